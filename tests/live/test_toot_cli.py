"""The ``toot`` command-line client against a real server process."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live.conftest import PASSWORD, register_token

pytestmark = pytest.mark.live
TOOT = str(Path(sys.executable).parent / "toot")
PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def register(base_url: str, username: str) -> str:
    """Register through the API; toot logs in with the e-mail and password."""
    register_token(base_url, username, scopes="read write")
    return f"{username}@example.com"


@pytest.fixture
def toot(tmp_path: Path) -> Callable[..., str]:
    """Run ``toot ARGS`` with its config in a temp dir; return stdout, fail on non-zero exit."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS}
    env.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        NO_PROXY="localhost,127.0.0.1",
        COLUMNS="100",
    )

    def run(*args: str) -> str:
        proc = subprocess.run(
            [TOOT, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 0, f"toot {args}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    return run


def test_toot_login_post_and_timeline(
    live_server: str, toot: Callable[..., str], tmp_path: Path
) -> None:
    username = f"toot_{secrets.token_hex(3)}"
    email = register(live_server, username)
    domain = urlsplit(live_server).netloc

    out = toot("login_cli", "--instance", live_server, "--email", email, "--password", PASSWORD)
    assert "Successfully logged in" in out
    config = json.loads((tmp_path / "config" / "toot" / "config.json").read_text())
    assert config["active_user"] == f"{username}@{domain}"
    assert config["apps"][domain]["base_url"] == live_server

    assert f"@{username}" in toot("whoami")

    posted = toot("post", "Hello from toot #gazouille")
    match = re.search(r"Toot posted: (\S+)", posted)
    assert match, posted
    url = match.group(1)
    assert url.startswith(f"{live_server}/@{username}/")
    status_id = url.rsplit("/", 1)[1]

    timeline = toot("timelines", "home")
    assert "Hello from toot #gazouille" in timeline
    assert f"@{username}" in timeline and status_id in timeline
    # The deprecated `toot timeline` command reads the same home timeline.
    assert status_id in toot("timeline", "--once")
