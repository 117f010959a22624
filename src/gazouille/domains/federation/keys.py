"""Signing keys of local actors: each local account's RSA pair, made the first time it is
needed, and the instance actor's pair (kept in ``instance_settings``) for signed fetches.

Generating a pair costs tens of milliseconds of CPU: it runs in a thread, and callers that
can should use ``ensure_signer`` (generation outside any transaction) rather than
``signer_for`` inside a write transaction."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.activitypub.keys import KeyPair, generate_key_pair
from gazouille.activitypub.signatures import Signer
from gazouille.core import urls
from gazouille.core.db import Database, insert_ignore
from gazouille.models import Account, InstanceSetting

INSTANCE_KEYS = "federation.instance_actor_keys"


def key_id_of(account: Account) -> str:
    return account.key_id or f"{account.uri}#main-key"


def instance_actor_uri() -> str:
    return f"{urls.base()}/actor"


def instance_key_id() -> str:
    return f"{instance_actor_uri()}#main-key"


async def _new_pair() -> KeyPair:
    return await asyncio.to_thread(generate_key_pair)


async def _store_pair(session: AsyncSession, account: Account, pair: KeyPair) -> Account:
    """Store ``pair`` unless another process stored one first; the account as stored."""
    await session.execute(
        update(Account)
        .where(Account.id == account.id, Account.private_key.is_(None))
        .values(
            public_key=pair.public_pem,
            private_key=pair.private_pem,
            key_id=f"{account.uri}#main-key",
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(account, ["public_key", "private_key", "key_id"])
    return account


async def signer_for(session: AsyncSession, account: Account) -> Signer:
    """The signer of a local account, its key pair generated and stored if it has none
    (``session`` must then be a write session)."""
    if account.domain is not None:
        raise ValueError("only local accounts sign")
    if not account.private_key:
        account = await _store_pair(session, account, await _new_pair())
    assert account.private_key is not None
    return Signer(key_id=key_id_of(account), private_key_pem=account.private_key)


async def ensure_signer(db: Database, account_id: int) -> Signer | None:
    """Like ``signer_for``, from outside any transaction: the pair, if missing, is generated
    before the short write that stores it. None when the account is gone or not local."""
    async with db.read() as session:
        account = await session.get(Account, account_id)
    if account is None or account.domain is not None:
        return None
    if not account.private_key:
        pair = await _new_pair()
        async with db.write() as session:
            stored = await session.get(Account, account_id)
            if stored is None:
                return None
            account = await _store_pair(session, stored, pair)
    assert account.private_key is not None
    return Signer(key_id=key_id_of(account), private_key_pem=account.private_key)


async def public_key_of(db: Database, account_id: int) -> str | None:
    """The public PEM a local actor document shows (made now if the account has none)."""
    async with db.read() as session:
        pem = await session.scalar(select(Account.public_key).where(Account.id == account_id))
    if pem:
        return pem
    signer = await ensure_signer(db, account_id)
    if signer is None:
        return None
    async with db.read() as session:
        return await session.scalar(select(Account.public_key).where(Account.id == account_id))


async def _instance_pair(session: AsyncSession) -> dict[str, Any] | None:
    row = await session.get(InstanceSetting, INSTANCE_KEYS)
    value = row.value if row is not None else None
    return value if isinstance(value, dict) and value.get("private") else None


async def instance_signer(session: AsyncSession) -> Signer:
    """The instance actor's signer, for signed fetches (GETs of remote objects). The first
    call stores the pair: ``session`` must be a write session (or use ``load_instance_signer``)."""
    pair = await _instance_pair(session)
    if pair is None:
        new = await _new_pair()
        await insert_ignore(
            session,
            InstanceSetting,
            {"key": INSTANCE_KEYS, "value": {"public": new.public_pem, "private": new.private_pem}},
            ["key"],
        )
        pair = await _instance_pair(session)
        if pair is None:  # the insert lost to another process and its row is not visible yet
            pair = {"public": new.public_pem, "private": new.private_pem}
    return Signer(key_id=instance_key_id(), private_key_pem=str(pair["private"]))


async def load_instance_signer(db: Database) -> Signer:
    """``instance_signer`` from outside any transaction (a read, and a write the first time)."""
    async with db.read() as session:
        pair = await _instance_pair(session)
    if pair is not None:
        return Signer(key_id=instance_key_id(), private_key_pem=str(pair["private"]))
    async with db.write() as session:
        return await instance_signer(session)


async def instance_public_key(db: Database) -> str:
    await load_instance_signer(db)
    async with db.read() as session:
        pair = await _instance_pair(session)
    assert pair is not None
    return str(pair["public"])
