"""AS2 → domain values, on payloads shaped like Mastodon, Misskey, Pleroma and GoToSocial's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gazouille.activitypub.vocab import AS_PUBLIC
from gazouille.federation import parsers
from gazouille.federation.links import first_plain_link
from tests.conftest import BASE_URL
from tests.federation.fedi import load

PEM = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"
MARIE = "https://mastodon.example/users/marie"


def test_mastodon_actor() -> None:
    actor = parsers.parse_actor(load("mastodon/actor", public_key=PEM))
    assert (actor.uri, actor.username, actor.domain) == (MARIE, "marie", "mastodon.example")
    assert actor.display_name == "Marie Curie \u269b"
    assert actor.note.startswith("<p>Physicist and chemist.")
    assert actor.key_id == f"{MARIE}#main-key" and actor.public_key == PEM
    assert actor.inbox_url == f"{MARIE}/inbox"
    assert actor.shared_inbox_url == "https://mastodon.example/inbox"
    assert actor.featured_url == f"{MARIE}/collections/featured"
    assert actor.followers_url == f"{MARIE}/followers"
    assert actor.avatar_url and actor.avatar_url.endswith("avatar.png")
    assert actor.header_url and actor.header_url.endswith("header.jpg")
    assert actor.url == "https://mastodon.example/@marie"
    assert actor.discoverable and actor.indexable and not actor.locked and not actor.bot
    assert [f["name"] for f in actor.fields] == ["Website", "Pronouns"]
    assert 'href="https://curie.example"' in actor.fields[0]["value"]
    assert actor.published == datetime(2022, 11, 5, tzinfo=UTC)


def test_misskey_pleroma_gotosocial_actors() -> None:
    hana = parsers.parse_actor(load("misskey/actor", public_key=PEM))
    assert (hana.username, hana.locked, hana.url) == ("hana", True, "https://misskey.example/@hana")
    assert hana.header_url is None and hana.avatar_url is not None
    lain = parsers.parse_actor(load("pleroma/actor", public_key=PEM))
    assert "script" not in lain.note and "alert" not in lain.note
    assert not lain.discoverable and lain.shared_inbox_url == "https://pleroma.example/inbox"
    tobi = parsers.parse_actor(load("gotosocial/actor", public_key=PEM))
    assert tobi.key_id == "https://gts.example/users/tobi/main-key" and tobi.locked
    named = parsers.parse_actor({**load("pleroma/actor", public_key=PEM), "name": "<b>x</b>\u202e"})
    assert named.display_name == "<b>x</b>"  # a name is text: shown escaped, never as markup
    app = parsers.parse_actor(load("mastodon/instance_actor", public_key=PEM))
    assert app.actor_type == "Application" and app.bot


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"type": "Note"}, "not an actor type"),
        ({"preferredUsername": None}, "preferredUsername"),
        ({"inbox": "ftp://mastodon.example/inbox"}, "inbox"),
        ({"id": "javascript:alert(1)"}, r"http\(s\) id"),
    ],
)
def test_unusable_actors(change: dict[str, object], reason: str) -> None:
    doc = load("mastodon/actor", public_key=PEM)
    doc.update(change)
    with pytest.raises(parsers.ParseError, match=reason):
        parsers.parse_actor(doc)


def test_a_key_owned_by_someone_else_is_not_the_actors() -> None:
    doc = load("mastodon/actor", public_key=PEM)
    doc["publicKey"]["owner"] = "https://mastodon.example/users/pierre"
    assert parsers.parse_actor(doc).public_key is None


def test_mastodon_note() -> None:
    note_doc = load("mastodon/create_note")["object"]
    note = parsers.parse_note(note_doc, MARIE, f"{MARIE}/followers")
    assert note.uri.endswith("/statuses/111111111111111111")
    assert note.url == "https://mastodon.example/@marie/111111111111111111"
    assert note.visibility == "public" and note.language == "en"
    assert note.mention_uris == [f"{BASE_URL}/users/alice"]
    assert note.tags == ["Chemistry"]
    assert note.card_url == "https://radium.example/article"
    assert note.published == datetime(2024, 3, 1, 10, tzinfo=UTC)
    [media] = note.media
    assert media.type == "image" and media.description == "A glowing vial"
    assert media.focus == (0.25, -0.5) and (media.width, media.height) == (1200, 800)
    assert media.blurhash and media.content_type == "image/jpeg"
    assert 'class="u-url mention"' in note.content and 'rel="nofollow noopener noreferrer"' in (
        note.content
    )


def test_misskey_note_with_a_quote_and_a_card_that_is_not_the_quote_link() -> None:
    doc = load("misskey/create_note")["object"]
    note = parsers.parse_note(doc, "https://misskey.example/users/9kx2b4c7d0", None)
    assert note.quote_uri == "https://misskey.example/notes/9kx1quoted"
    assert note.tags == ["cats"] and note.mention_uris == [f"{BASE_URL}/users/alice"]
    assert note.media[0].type == "image" and note.media[0].description is None
    assert note.visibility == "public"


def test_pleroma_reply_with_hashtag_links_that_make_no_card() -> None:
    doc = load("pleroma/create_note", status=f"{BASE_URL}/users/alice/statuses/1")["object"]
    note = parsers.parse_note(doc, "https://pleroma.example/users/lain", None)
    assert note.in_reply_to_uri == f"{BASE_URL}/users/alice/statuses/1"
    assert note.card_url is None
    assert note.tags == ["fediverse"] and note.spoiler_text == "" and not note.sensitive


def test_gotosocial_direct_and_followers_only() -> None:
    direct = parsers.parse_note(
        load("gotosocial/create_note")["object"],
        "https://gts.example/users/tobi",
        "https://gts.example/users/tobi/followers",
    )
    assert direct.visibility == "direct" and direct.mention_uris == [f"{BASE_URL}/users/alice"]
    private = parsers.parse_note(
        load("gotosocial/create_followers_only")["object"], "https://gts.example/users/tobi", None
    )
    assert private.visibility == "private"  # the conventional followers URL is recognised
    assert private.spoiler_text == "goblin content" and private.sensitive
    assert private.media[0].type == "video"


@pytest.mark.parametrize(
    "to, cc, expected",
    [
        ([AS_PUBLIC], [], "public"),
        (["as:Public"], [], "public"),
        ([f"{MARIE}/followers"], ["Public"], "unlisted"),
        ([f"{MARIE}/followers"], [], "private"),
        ([], ["https://elsewhere.example/my-followers"], "direct"),
        ([f"{BASE_URL}/users/alice"], [], "direct"),
    ],
)
def test_visibility_from_addressing(to: list[str], cc: list[str], expected: str) -> None:
    assert parsers.visibility(to, cc, f"{MARIE}/followers", MARIE) == expected


def test_question() -> None:
    doc = load("mastodon/create_question")["object"]
    note = parsers.parse_note(doc, MARIE, None)
    assert note.poll is not None
    assert note.poll.options == ["Radium", "Polonium"] and note.poll.tallies == [2, 1]
    assert note.poll.voters_count == 3 and not note.poll.multiple
    assert note.poll.expires_at == datetime(2099, 3, 2, 11, tzinfo=UTC)
    doc["anyOf"] = doc.pop("oneOf")
    assert parsers.parse_note(doc, MARIE, None).poll.multiple  # type: ignore[union-attr]


def test_poll_vote_is_recognised() -> None:
    vote = load("misskey/vote", status="https://q.example/1", choice="Radium")["object"]
    assert parsers.poll_vote(vote) == ("https://q.example/1", "Radium")
    note = load("mastodon/create_note")["object"]
    assert parsers.poll_vote(note) is None


def test_hostile_html_is_neutralised() -> None:
    doc = load("hostile/create_script")["object"]
    note = parsers.parse_note(doc, MARIE, None)
    for bad in ("<script", "onclick", "onerror", "onmouseover", "javascript:", "<iframe", "<style",
                "<img", "document.cookie"):  # fmt: skip
        assert bad not in note.content, bad
        assert bad not in note.spoiler_text, bad
    assert "hello" in note.content
    assert note.spoiler_text == "warning"
    assert note.media == [] and note.tags == []


def test_an_object_on_another_server_than_its_author_is_refused() -> None:
    doc = load("hostile/create_spoofed")["object"]
    with pytest.raises(parsers.ParseError, match="author's server"):
        parsers.parse_note(doc, MARIE, None)


def test_other_object_types_become_a_status_with_a_link() -> None:
    article = {
        "id": "https://blog.example/posts/1",
        "type": "Article",
        "name": "On <radioactivity>",
        "attributedTo": "https://blog.example/users/b",
        "url": "https://blog.example/posts/1.html",
        "to": [AS_PUBLIC],
    }
    note = parsers.parse_note(article, "https://blog.example/users/b", None)
    assert "<p>On &lt;radioactivity&gt;</p>" in note.content
    assert 'href="https://blog.example/posts/1.html"' in note.content
    with pytest.raises(parsers.ParseError, match="unsupported"):
        parsers.parse_note({**article, "type": "ChatMessage"}, "https://blog.example/users/b", None)


def test_first_plain_link_skips_mentions_and_hashtags() -> None:
    html = (
        '<a href="https://x.example/@a" class="u-url mention">@a</a> '
        '<a href="https://x.example/tags/t" rel="tag">#t</a> '
        '<a href="https://x.example/plain">#looks like a tag</a> '
        '<a href="https://news.example/story">story</a>'
    )
    assert first_plain_link(html, set()) == "https://news.example/story"
    assert first_plain_link("no links", set()) is None


def test_a_post_url_on_another_server_is_not_kept() -> None:
    doc = {**load("mastodon/create_note")["object"], "url": "https://pleroma.example/notice/1"}
    assert parsers.parse_note(doc, MARIE, None).url == doc["id"]
