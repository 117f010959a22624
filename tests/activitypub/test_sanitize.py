"""Remote HTML keeps Mastodon's subset and loses everything that could run or restyle."""

from __future__ import annotations

import pytest

from gazouille.activitypub.sanitize import html_to_text, sanitize_html

MASTODON_NOTE = (
    '<p><span class="h-card" translate="no"><a href="https://a.example/@bob" '
    'class="u-url mention">@<span>bob</span></a></span> hello '
    '<a href="https://a.example/tags/fediverse" class="mention hashtag" rel="tag">'
    "#<span>fediverse</span></a> "
    '<a href="https://example.org/some/long/path" target="_blank" rel="nofollow noopener">'
    '<span class="invisible">https://</span><span class="ellipsis">example.org/some/lo</span>'
    '<span class="invisible">ng/path</span></a></p><p>second<br />line</p>'
)


def test_mastodon_markup_is_kept() -> None:
    clean = sanitize_html(MASTODON_NOTE)
    assert '<span class="h-card">' in clean  # translate="no" dropped, class kept
    assert 'href="https://a.example/@bob" class="u-url mention"' in clean
    assert 'class="mention hashtag"' in clean and 'rel="tag"' not in clean
    assert '<span class="invisible">https://</span>' in clean
    assert '<span class="ellipsis">example.org/some/lo</span>' in clean
    assert "<p>second<br>line</p>" in clean
    assert clean.count('rel="nofollow noopener noreferrer"') == 3
    assert clean.count('target="_blank"') == 3


@pytest.mark.parametrize(
    ("html", "forbidden"),
    [
        ("<p>hi</p><script>alert(1)</script>", ["script", "alert"]),
        ("<style>body{display:none}</style><p>x</p>", ["style", "display"]),
        ('<p style="position:fixed">x</p>', ["style", "fixed"]),
        ('<p onclick="steal()" onmouseover="steal()">x</p>', ["onclick", "onmouseover"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript"]),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', ["alert"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:"]),
        ('<a href="vbscript:msgbox(1)">x</a>', ["vbscript"]),
        ('<iframe src="https://evil.example/"></iframe><p>ok</p>', ["iframe", "evil"]),
        ('<object data="x.swf"><embed src="x.swf"></object>', ["object", "embed", "swf"]),
        ('<img src="x" onerror="steal()">', ["img", "onerror"]),
        ('<form action="https://evil.example/"><input name="p"></form>', ["form", "input"]),
        ("<svg><script>alert(1)</script></svg>", ["svg", "alert"]),
        ('<a href="/admin">x</a>', ["/admin"]),
        ('<span class="evil mention" id="x" data-x="y">x</span>', ["evil", "id=", "data-x"]),
        ("<!-- secret --><p>x</p>", ["secret"]),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', ["meta", "evil"]),
        ('<p><a href="https://ok.example/" rel="me opener" target="_self">x</a></p>', ["_self"]),
    ],
)
def test_dangerous_markup_is_removed(html: str, forbidden: list[str]) -> None:
    clean = sanitize_html(html)
    for word in forbidden:
        assert word not in clean.lower(), clean


def test_links_get_rel_and_target_forced() -> None:
    clean = sanitize_html('<a href="https://ok.example/" rel="me opener" target="_self">x</a>')
    assert clean == (
        '<a href="https://ok.example/" target="_blank" rel="nofollow noopener noreferrer">x</a>'
    )


def test_allowed_formatting_and_schemes() -> None:
    html = (
        "<blockquote><p><strong>b</strong> <em>e</em> <b>b</b> <i>i</i> <u>u</u> <del>d</del>"
        "</p></blockquote><pre><code>x &lt; y</code></pre><ul><li>a</li></ul><ol><li>b</li></ol>"
        '<a href="mailto:a@b.example">m</a><h1>title</h1>'
    )
    clean = sanitize_html(html)
    for tag in ("blockquote", "strong", "em", "<b>", "<i>", "<u>", "del", "pre", "code", "ul"):
        assert tag in clean
    assert "x &lt; y" in clean and 'href="mailto:a@b.example"' in clean
    assert "<h1>" not in clean and "title" in clean
    assert sanitize_html("") == "" and sanitize_html("plain & simple") == "plain &amp; simple"


def test_html_to_text() -> None:
    assert html_to_text(MASTODON_NOTE) == (
        "@bob hello #fediverse https://example.org/some/long/path\n\nsecond\nline"
    )
    assert html_to_text("<p>a &amp; b &lt;c&gt;</p><script>x()</script><p>d</p>") == (
        "a & b <c>\n\nd"
    )
    assert html_to_text("") == "" and html_to_text("just text") == "just text"
