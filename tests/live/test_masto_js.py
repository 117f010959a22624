"""The `masto` npm client against a live server: log in, post with an image, read timelines,
search, and receive the streamed `update` (tests/node/smoke.mjs)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
pytestmark = pytest.mark.live


def test_masto_smoke(live_server: str) -> None:
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "masto").exists():
        pytest.fail(
            "node and tests/node/node_modules are needed: run `make test` (it installs them)"
        )
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["GAZOUILLE_URL"] = live_server
    result = subprocess.run(
        [node, "smoke.mjs"],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout
