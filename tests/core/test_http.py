"""The outgoing HTTP client refuses private addresses and caps sizes and redirects."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from gazouille.core.http import ResponseTooLarge, SafeHttpClient, UnsafeAddress, is_public_address


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/ok":
            body = b"<html><title>ok</title></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the cap must hold while streaming
            for _ in range(100):
                self.wfile.write(b"x" * 65536)
        elif self.path.startswith("/redirect/"):
            hops = int(self.path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", "/ok" if hops == 0 else f"/redirect/{hops - 1}")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("2606:4700::1111", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_private_addresses_are_refused(server: str) -> None:
    client = SafeHttpClient(allow_private=False)
    try:
        for url in (f"{server}/ok", server.replace("127.0.0.1", "localhost") + "/ok"):
            with pytest.raises(UnsafeAddress):
                await client.get(url)
        with pytest.raises(UnsafeAddress):
            await client.get("file:///etc/passwd")
    finally:
        await client.aclose()


async def test_caps_and_redirects_when_private_addresses_are_allowed(server: str) -> None:
    client = SafeHttpClient(allow_private=True)
    try:
        ok = await client.get(f"{server}/ok")
        assert ok.status_code == 200 and "ok" in ok.text() and ok.content_type == "text/html"
        followed = await client.get(f"{server}/redirect/2")
        assert followed.url.endswith("/ok") and followed.status_code == 200
        with pytest.raises(httpx.TooManyRedirects):
            await client.get(f"{server}/redirect/5")
        with pytest.raises(ResponseTooLarge):
            await client.get(f"{server}/big", max_bytes=100_000)
    finally:
        await client.aclose()
