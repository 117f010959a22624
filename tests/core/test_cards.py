"""Link cards: OpenGraph parsing, and the fetch job against a page served on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from gazouille.domains.cards.opengraph import parse_page
from gazouille.domains.cards.service import enqueue_card, first_link
from gazouille.models import PreviewCard, Status
from tests.conftest import Api

PAGE = """<!doctype html><html lang="fr"><head><title>Fallback</title>
<meta property="og:title" content="Le match de rugby">
<meta property="og:description" content="Compte rendu &amp; photos">
<meta property="og:image" content="/img/match.jpg"><meta property="og:image:alt" content="La mêlée">
<meta property="og:site_name" content="Le Journal"><meta name="author" content="Camille">
<meta property="article:published_time" content="2026-11-20T10:00:00Z">
</head><body><meta property="og:title" content="ignored"></body></html>"""


def test_parse_page() -> None:
    page = parse_page(PAGE, "https://news.example/match")
    assert page.title == "Le match de rugby"
    assert page.description == "Compte rendu & photos"
    assert page.image_url == "https://news.example/img/match.jpg"
    assert page.image_description == "La mêlée"
    assert page.provider_name == "Le Journal" and page.author_name == "Camille"
    assert page.language == "fr" and page.published_at is not None
    assert parse_page("<title> Just a title </title>", "https://x.example").title == "Just a title"
    assert parse_page("<<<not html", "https://x.example").title == ""
    bad = parse_page(
        '<meta property="og:image" content="javascript:alert(1)">', "https://x.example"
    )
    assert bad.image_url is None


def test_first_link() -> None:
    assert first_link("see https://a.example/x, and https://b.example") == "https://a.example/x"
    assert first_link("no link #tag @bob") is None


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.encode() if self.path == "/article" else b"not html"
        self.send_response(200)
        self.send_header(
            "Content-Type", "text/html; charset=utf-8" if self.path == "/article" else "image/png"
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


async def _card_of(db: Any, status_id: str) -> PreviewCard | None:
    async with db.read() as session:
        status = await session.get(Status, int(status_id))
        assert status is not None
        return await session.get(PreviewCard, status.card_id) if status.card_id else None


async def test_card_job_fetches_public_pages_only(
    api: Api, alice: str, db: Any, app: Any, run_jobs: Any, site: str
) -> None:
    status = await api.post_status(alice, f"Lisez {site}/article !")
    async with db.write() as session:
        await enqueue_card(
            session,
            (await session.get(Status, int(status["id"]))),  # type: ignore[arg-type]
        )
    await run_jobs()
    assert await _card_of(db, status["id"]) is None  # loopback is refused by default
    async with db.read() as session:
        failed = (await session.execute(select(PreviewCard))).scalar_one()
    assert failed.state == "failed"

    app.state.gazouille.settings.allow_private_addresses = True
    other = await api.post_status(alice, f"Encore {site}/article")
    async with db.write() as session:
        await session.execute(PreviewCard.__table__.delete())
        await enqueue_card(session, (await session.get(Status, int(other["id"]))))  # type: ignore[arg-type]
    await run_jobs()
    card = await _card_of(db, other["id"])
    assert (
        card is not None
        and card.title == "Le match de rugby"
        and card.provider_name == "Le Journal"
    )
