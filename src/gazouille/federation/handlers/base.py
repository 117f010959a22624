"""What every inbox handler gets, and the checks that tie an activity to its signer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gazouille.activitypub.vocab import as_list, host_of, id_of
from gazouille.core.db import Database
from gazouille.federation import parsers
from gazouille.federation.remote import Remote
from gazouille.models import Account

# Activities whose object the actor creates or changes: it must be the actor's own.
AUTHORED = ("Create", "Update", "Delete")


class Ignored(Exception):
    """The activity was understood and deliberately not applied; str(exc) says why."""


@dataclass
class Inbound:
    db: Database
    remote: Remote
    activity: dict[str, Any]
    actor: Account

    @property
    def id(self) -> str | None:
        return id_of(self.activity.get("id"))

    @property
    def object(self) -> Any:
        return self.activity.get("object")

    @property
    def object_id(self) -> str | None:
        return id_of(self.object)

    @property
    def object_type(self) -> str:
        return parsers.type_of(self.object)


def first_object(value: Any) -> Any:
    """``object`` may be a list; activities we handle act on one object."""
    items = as_list(value)
    return items[0] if items else None


def ownership_problem(activity: dict[str, Any], actor_uri: str) -> str | None:
    """Why the activity cannot be its signer's, or None: its id, and the id of the object
    it creates, changes or deletes, must be on the actor's host; an embedded object must
    be attributed to the actor; an undone activity must be the actor's own."""
    actor_host = host_of(actor_uri)
    activity_id = id_of(activity.get("id"))
    if activity_id is not None and host_of(activity_id) != actor_host:
        return "activity id is not on the actor's server"
    kind = parsers.type_of(activity)
    obj = first_object(activity.get("object"))
    object_id = id_of(obj)
    if kind in AUTHORED:
        if object_id is None:
            return f"{kind} without an object id"
        if host_of(object_id) != actor_host:
            return "object id is not on the actor's server"
        if isinstance(obj, dict) and parsers.type_of(obj) in parsers.NOTE_TYPES:
            author = parsers.attributed_to(obj)
            if author is not None and author != actor_uri:
                return "object is attributed to another actor"
        if kind == "Update" and parsers.is_actor(obj) and object_id != actor_uri:
            return "an actor can only update itself"
    if kind == "Undo" and isinstance(obj, dict):
        undone_actor = id_of(obj.get("actor"))
        if undone_actor is not None and undone_actor != actor_uri:
            return "undone activity belongs to another actor"
    return None
