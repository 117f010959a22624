"""Job ``federation.publish``: a local event (``gazouille.domains.federation.events``) becomes
activities, and each activity one ``federation.deliver`` job per recipient inbox. The
activity is serialized once, here, so every inbox gets the same document."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from gazouille.domains.federation import keys
from gazouille.domains.federation.events import PUBLISH_JOB
from gazouille.federation.delivery import DELIVER_JOB, deliver, enqueue_delivery
from gazouille.federation.outbound import BUILDERS, Outgoing
from gazouille.worker.runtime import JobContext

__all__ = ["DELIVER_JOB", "PUBLISH_JOB", "deliver", "publish"]
log = logging.getLogger(__name__)


async def _ready(ctx: JobContext, outgoing: Outgoing) -> bool:
    """Make sure the signing key exists before the deliveries need it (generated outside
    any transaction)."""
    signer = outgoing.signer
    if signer.get("instance"):
        await keys.load_instance_signer(ctx.db)
        return True
    if signer.get("account_id") is not None:
        return await keys.ensure_signer(ctx.db, int(signer["account_id"])) is not None
    return bool(signer.get("private_key"))


async def publish(ctx: JobContext, payload: dict[str, Any]) -> None:
    event = str(payload.get("event", ""))
    builder = BUILDERS.get(event)
    if builder is None:
        log.warning("no activity for federation event %r", event)
        return
    async with ctx.db.read() as session:
        outgoing = await builder(session, payload)
    outgoing = [o for o in outgoing if o.inboxes]
    if not outgoing:
        return
    ready = [o for o in outgoing if await _ready(ctx, o)]
    async with ctx.db.write() as session:
        for item in ready:
            body = orjson.dumps(item.activity).decode()
            for inbox in item.inboxes:
                await enqueue_delivery(session, inbox, body, item.activity["id"], item.signer)
