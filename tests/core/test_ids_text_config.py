from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from gazouille.config import ConfigError, load_settings
from gazouille.core.ids import id_floor, new_id, parse_id
from gazouille.core.text import (
    MentionRef,
    ResolvedMention,
    extract_tags,
    normalize_tag,
    plain_text_length,
    render_plain_text,
)


def test_ids_are_unique_and_sort_by_time() -> None:
    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    past = new_id(datetime(2020, 1, 1, tzinfo=UTC))
    assert past < ids[0]
    assert id_floor(datetime(2020, 1, 1, tzinfo=UTC)) <= past
    assert ids[-1] < 1 << 63


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("123", 123), ("abc", None), ("-1", None), ("", None), ("9" * 30, None), (5, 5), (None, None)],
)
def test_parse_id(raw: object, expected: int | None) -> None:
    assert parse_id(raw) == expected


def _render(text: str) -> str:
    def resolve(ref: MentionRef) -> ResolvedMention | None:
        return ResolvedMention("http://x/@bob", "bob") if ref.username == "bob" else None

    return render_plain_text(
        text, resolve_mention=resolve, tag_url=lambda t: f"http://x/tags/{t}"
    ).html


def test_render_escapes_html_and_links() -> None:
    html = _render("<script>alert(1)</script> see https://example.com/a?b=1&c=2.")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="https://example.com/a?b=1&amp;c=2"' in html
    assert html.endswith(".</p>")


def test_render_mentions_tags_and_paragraphs() -> None:
    html = _render("Salut @bob et @nobody #Été\n\nligne 2\nligne 3")
    assert 'class="u-url mention">@<span>bob</span></a>' in html
    assert "@nobody" in html and 'u-url mention">@<span>nobody' not in html
    assert 'rel="tag">#<span>Été</span>' in html
    assert html.count("<p>") == 2 and "<br />" in html


def test_tags_and_length() -> None:
    assert extract_tags("#Rugby #rugby #Été #2024 #a1") == ["Rugby", "Été", "a1"]
    assert normalize_tag("Été") == normalize_tag("ete")
    assert plain_text_length("x " + "https://example.com/" + "a" * 200) == 2 + 23
    assert plain_text_length("@bob@remote.example hi") == len("@bob hi")


def test_wrong_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAZOUILLE_REGISTRATIONS", "sometimes")
    with pytest.raises(ConfigError, match="GAZOUILLE_REGISTRATIONS"):
        load_settings()
    monkeypatch.setenv("GAZOUILLE_REGISTRATIONS", "open")
    monkeypatch.setenv("GAZOUILLE_PUBLIC_URL", "example.org")
    with pytest.raises(ConfigError, match="GAZOUILLE_PUBLIC_URL"):
        load_settings()


def test_cli_refuses_to_start_with_a_wrong_setting(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gazouille.cli", "migrate"],
        env={"GAZOUILLE_PORT": "99999", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "GAZOUILLE_PORT" in result.stdout + result.stderr


def test_settings_derive_urls(tmp_path: object) -> None:
    settings = load_settings(
        public_url="https://social.example:8443/", database_url="postgres://u@h/db"
    )
    assert settings.public_url == "https://social.example:8443"
    assert settings.local_domain == "social.example:8443"
    assert settings.effective_database_url == "postgresql+asyncpg://u@h/db"
