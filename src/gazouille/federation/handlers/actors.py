"""Move: an account tells its followers it now lives elsewhere. Believed only when the new
account lists the old one among its aliases (``alsoKnownAs``), fetched fresh from its own
server; then the local followers follow the new account instead of the old one."""

from __future__ import annotations

from gazouille.activitypub.vocab import id_of
from gazouille.core.errors import Forbidden
from gazouille.domains.accounts.remote import local_followers, moved_properly
from gazouille.domains.relationships import service as relationships
from gazouille.federation.handlers.base import Ignored, Inbound, first_object
from gazouille.models import Account

MAX_MOVED_FOLLOWERS = 10_000


async def on_move(inbound: Inbound) -> None:
    old = inbound.actor
    if id_of(first_object(inbound.object)) != old.uri:
        raise Ignored("an actor can only move itself")
    target_uri = id_of(inbound.activity.get("target"))
    if target_uri is None:
        raise Ignored("Move without a target")
    new = await inbound.remote.account(target_uri, force=True)
    if new is None:
        raise Ignored("the new account could not be had")
    if not moved_properly(old, new):
        raise Ignored("the new account does not name the old one in alsoKnownAs")
    async with inbound.db.write() as session:
        stored_old = await session.get(Account, old.id)
        stored_new = await session.get(Account, new.id)
        if stored_old is None or stored_new is None:
            raise Ignored("gone meanwhile")
        stored_old.moved_to_account_id = stored_new.id
        for follower in (await local_followers(session, old.id))[:MAX_MOVED_FOLLOWERS]:
            try:
                await relationships.follow(
                    session, follower, stored_new, relationships.FollowOptions()
                )
            except Forbidden:
                pass  # a block between the follower and the new account: it is not followed
            await relationships.unfollow(session, follower, stored_old)
