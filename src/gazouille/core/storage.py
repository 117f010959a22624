"""Where uploaded files live. Everything goes through the ``Storage`` protocol, keyed by a
relative path such as ``media_attachments/123/abc/original.jpg``; only ``LocalStorage`` exists
today (files under ``<data_dir>/media``, served by the app under ``/system/``). An
S3-compatible store implements the same four methods and hands out its own URLs."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from gazouille.config import get_settings
from gazouille.core import urls

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
}
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*(\.[a-z0-9]{1,5})?$")


class Storage(Protocol):
    def save(self, key: str, source: Path) -> None:
        """Store the file at ``source`` under ``key`` (replacing any file with that key)."""

    def open(self, key: str) -> Path | None:
        """A local path to read the file from, or None if it does not exist."""

    def url(self, key: str) -> str:
        """The public URL of the file."""

    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""


def content_type_of(key: str) -> str:
    return CONTENT_TYPES.get(Path(key).suffix.lower(), "application/octet-stream")


def valid_key(key: str) -> bool:
    return bool(_SAFE_KEY.match(key)) and ".." not in key


class LocalStorage:
    """Files in a directory of this machine, written atomically (temp file + rename)."""

    def __init__(self, root: Path, base_url: str):
        self.root = root
        self.base_url = base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key

    def save(self, key: str, source: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> Path | None:
        if not valid_key(key):
            return None
        path = self.root / key
        return path if path.is_file() else None

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"

    def delete(self, key: str) -> None:
        if not valid_key(key):
            return
        path = self.root / key
        path.unlink(missing_ok=True)
        # Drop the directories the file leaves empty, up to the root.
        parent = path.parent
        while parent != self.root and parent.is_relative_to(self.root):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def get_storage() -> Storage:
    """The storage of this process, from the settings."""
    settings = get_settings()
    return LocalStorage(settings.data_dir.resolve() / "media", f"{urls.base()}/system")


def public_url(key: str | None) -> str | None:
    return get_storage().url(key) if key else None
