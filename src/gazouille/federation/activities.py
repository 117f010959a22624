"""Activities by local actors, with stable ids (the same action always gets the same id, so
a repeated delivery is recognised as such): Create/Update/Delete, Follow/Accept/Reject/Undo,
Like, Announce, Block, Add/Remove (pins), Move, Flag, and poll votes."""

from __future__ import annotations

from typing import Any

from gazouille.activitypub.vocab import AS_PUBLIC
from gazouille.core import clock
from gazouille.federation.serializers import (
    addressing,
    featured_uri,
    followers_uri,
    tombstone,
    ts,
    with_context,
)
from gazouille.models import Account, Status


def _stamp() -> int:
    return int(clock.now().timestamp() * 1000)


def create(note: dict[str, Any]) -> dict[str, Any]:
    return with_context(
        {
            "id": f"{note['id']}/activity",
            "type": "Create",
            "actor": note["attributedTo"],
            "published": note.get("published"),
            "to": note.get("to", []),
            "cc": note.get("cc", []),
            "object": note,
        }
    )


def update_note(note: dict[str, Any]) -> dict[str, Any]:
    """An edit (or new poll tallies); the id names this version."""
    return with_context(
        {
            "id": f"{note['id']}#updates/{_stamp()}",
            "type": "Update",
            "actor": note["attributedTo"],
            "published": note.get("updated") or ts(clock.now()),
            "to": note.get("to", []),
            "cc": note.get("cc", []),
            "object": note,
        }
    )


def delete_note(author: Account, uri: str, to: list[str], cc: list[str]) -> dict[str, Any]:
    return with_context(
        {
            "id": f"{uri}#delete",
            "type": "Delete",
            "actor": author.uri,
            "to": to,
            "cc": cc,
            "object": {**tombstone(uri), "atomUri": uri},
        }
    )


def update_actor(actor_document: dict[str, Any]) -> dict[str, Any]:
    document = {k: v for k, v in actor_document.items() if k != "@context"}
    return with_context(
        {
            "id": f"{document['id']}#updates/{_stamp()}",
            "type": "Update",
            "actor": document["id"],
            "to": [AS_PUBLIC],
            "object": document,
        }
    )


def delete_actor(uri: str) -> dict[str, Any]:
    return with_context(
        {"id": f"{uri}#delete", "type": "Delete", "actor": uri, "to": [AS_PUBLIC], "object": uri}
    )


def follow(uri: str, actor: Account, target: Account) -> dict[str, Any]:
    return with_context({"id": uri, "type": "Follow", "actor": actor.uri, "object": target.uri})


def _follow_object(uri: str | None, follower: Account, target: Account) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "Follow", "actor": follower.uri, "object": target.uri}
    if uri:
        found = {"id": uri, **found}
    return found


def _answer_follow(
    kind: str, number: int, uri: str | None, follower: Account, target: Account
) -> dict[str, Any]:
    """The target's ``Accept`` or ``Reject`` of a follow (``uri``: the Follow's id)."""
    return with_context(
        {
            "id": f"{target.uri}#{kind.lower()}s/follows/{number}",
            "type": kind,
            "actor": target.uri,
            "object": _follow_object(uri, follower, target),
        }
    )


def accept_follow(
    uri: str | None, follower: Account, target: Account, follow_id: int
) -> dict[str, Any]:
    return _answer_follow("Accept", follow_id, uri, follower, target)


def reject_follow(
    uri: str | None, follower: Account, target: Account, stamp: int | None = None
) -> dict[str, Any]:
    return _answer_follow("Reject", stamp or _stamp(), uri, follower, target)


def undo(activity: dict[str, Any], actor_uri: str) -> dict[str, Any]:
    inner = {k: v for k, v in activity.items() if k != "@context"}
    return with_context(
        {"id": f"{inner['id']}/undo", "type": "Undo", "actor": actor_uri, "object": inner}
    )


def like(actor: Account, favourite_id: int, status_uri: str) -> dict[str, Any]:
    return with_context(
        {
            "id": f"{actor.uri}#likes/{favourite_id}",
            "type": "Like",
            "actor": actor.uri,
            "object": status_uri,
        }
    )


def announce(reblog: Status, actor: Account, original_uri: str, original_author_uri: str) -> Any:
    to, cc = announce_addressing(reblog.visibility, actor, original_author_uri)
    return with_context(
        {
            "id": reblog.uri,
            "type": "Announce",
            "actor": actor.uri,
            "published": ts(reblog.created_at),
            "to": to,
            "cc": cc,
            "object": original_uri,
        }
    )


def announce_addressing(
    visibility: str, actor: Account, original_author_uri: str
) -> tuple[list[str], list[str]]:
    to, cc = addressing(visibility, actor, [])
    return to, [*cc, original_author_uri]


def block(actor: Account, target: Account, block_id: int | str) -> dict[str, Any]:
    return with_context(
        {
            "id": f"{actor.uri}#blocks/{block_id}",
            "type": "Block",
            "actor": actor.uri,
            "object": target.uri,
        }
    )


def pin(actor: Account, status_uri: str, *, add: bool) -> dict[str, Any]:
    kind = "Add" if add else "Remove"
    return with_context(
        {
            "id": f"{actor.uri}#pins/{kind.lower()}/{_stamp()}",
            "type": kind,
            "actor": actor.uri,
            "to": [AS_PUBLIC],
            "cc": [followers_uri(actor)],
            "object": status_uri,
            "target": featured_uri(actor),
        }
    )


def move(actor: Account, target_uri: str) -> dict[str, Any]:
    return with_context(
        {
            "id": f"{actor.uri}#moves/{_stamp()}",
            "type": "Move",
            "actor": actor.uri,
            "object": actor.uri,
            "target": target_uri,
        }
    )


def vote(
    voter: Account, vote_id: int, option: str, poll_status_uri: str, poll_author_uri: str
) -> dict[str, Any]:
    """One chosen option of a remote poll, as Mastodon sends it: a Create of a Note whose
    ``name`` is the option, addressed to the poll's author only."""
    uri = f"{voter.uri}#votes/{vote_id}"
    return with_context(
        {
            "id": f"{uri}/activity",
            "type": "Create",
            "actor": voter.uri,
            "to": [poll_author_uri],
            "object": {
                "id": uri,
                "type": "Note",
                "name": option,
                "attributedTo": voter.uri,
                "to": [poll_author_uri],
                "inReplyTo": poll_status_uri,
            },
        }
    )


def flag(
    instance_actor_uri: str, report_id: int, target_uri: str, status_uris: list[str], comment: str
) -> dict[str, Any]:
    """A report forwarded to the reported account's server, sent by the instance actor so
    the reporter stays anonymous."""
    return with_context(
        {
            "id": f"{instance_actor_uri}#flags/{report_id}",
            "type": "Flag",
            "actor": instance_actor_uri,
            "content": comment,
            "object": [target_uri, *status_uris],
        }
    )
