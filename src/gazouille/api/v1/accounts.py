"""/api/v1/accounts, follow requests."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import (
    optional_viewer,
    optional_viewer_session,
    require_app_token,
    require_viewer,
    state,
)
from gazouille.api.common import (
    access_account,
    page_params,
    render_credential_account,
    render_statuses,
)
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.serializers import account_json, relationship_json
from gazouille.api.social_json import familiar_followers_json
from gazouille.api.uploads import stage_profile_images
from gazouille.core.clock import as_utc
from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.domains import instance
from gazouille.domains.accounts import repository as accounts_repo
from gazouille.domains.accounts import service as accounts
from gazouille.domains.federation.resolver import resolve_remote
from gazouille.domains.media import service as media
from gazouille.domains.oauth.service import issue_token_for_user
from gazouille.domains.relationships import endorsements
from gazouille.domains.relationships import service as relationships
from gazouille.domains.search import accounts as account_search
from gazouille.domains.statuses.queries import AccountStatusesFilter, account_statuses

router = APIRouter()


@router.post("/api/v1/accounts")
async def register(request: Request) -> JSON:
    token = await require_app_token(request, "write:accounts")
    params = await read_params(request)
    app_state = state(request)
    command = accounts.Registration(
        username=params.get_str("username") or "",
        email=params.get_str("email") or "",
        password=params.get_str("password") or "",
        locale=params.get_str("locale") or "en",
        reason=params.get_str("reason") or "",
        agreement=bool(params.get_bool("agreement", False)),
    )
    async with app_state.db.write() as session:
        instance_settings = await instance.load_settings(session)
        mode = instance_settings.registration_mode(app_state.settings.registrations)
        _, user = await accounts.register(session, command, mode)
        scopes = token.scopes if token.application else ["read"]
        access_token, row = await issue_token_for_user(session, token.application, user, scopes)
    return JSON(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
            "created_at": int(as_utc(row.created_at).timestamp()),
        }
    )


@router.get("/api/v1/accounts/verify_credentials")
async def verify_credentials(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:accounts")
    async with state(request).db.read() as session:
        return JSON(await render_credential_account(session, viewer.account, viewer.user))


@router.patch("/api/v1/accounts/update_credentials")
async def update_credentials(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:accounts")
    params = await read_params(request)
    source = params.sub("source")
    fields = None
    if "fields_attributes" in params:
        fields = [
            (str(item.get("name", "")), str(item.get("value", "")))
            for item in params.get_list("fields_attributes")
            if isinstance(item, dict)
        ]
    change = accounts.ProfileUpdate(
        display_name=params.get_str("display_name"),
        note=params.get_str("note"),
        locked=params.get_bool("locked"),
        bot=params.get_bool("bot"),
        discoverable=params.get_bool("discoverable"),
        indexable=params.get_bool("indexable"),
        hide_collections=params.get_bool("hide_collections"),
        fields=fields,
        privacy=source.get_str("privacy"),
        sensitive=source.get_bool("sensitive"),
        language=source.get_str("language"),
    )
    images = await stage_profile_images(params, viewer.account_id)
    try:
        async with state(request).db.write() as session:
            account = await session.merge(viewer.account)
            user = await session.merge(viewer.user)
            await accounts.update_profile(session, account, user, change)
            replaced = await media.set_profile_images(session, account, images)
            body = await render_credential_account(session, account, user)
    except BaseException:
        await media.discard_files(list(images.values()))
        raise
    await media.discard_files(replaced)
    return JSON(body)


@router.get("/api/v1/accounts/lookup")
async def lookup(request: Request) -> JSON:
    await optional_viewer(request, "read:accounts")
    params = await read_params(request)
    async with state(request).db.read() as session:
        account = await accounts_repo.find_by_acct(session, params.get_str("acct") or "")
        if account is None or account.suspended_at is not None:
            raise NotFound()
        return JSON(account_json(account))


@router.get("/api/v1/accounts/relationships")
async def get_relationships(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:follows")
    params = await read_params(request)
    wanted: list[int] = []
    for raw in params.get_strs("id"):
        if raw.isdigit() and int(raw) not in wanted:
            wanted.append(int(raw))
    async with state(request).db.read() as session:
        found = await accounts_repo.get_accounts(session, wanted)
        rels = await relationships.relationships(
            session, viewer.account_id, [i for i in wanted if i in found]
        )
    return JSON([relationship_json(r) for r in rels])


@router.get("/api/v1/accounts/search")
async def search(request: Request) -> JSON:
    """Accounts by username or display-name prefix (accents and case ignored); with
    ``resolve``, a ``user@domain`` unknown here is first looked up on its server."""
    viewer = await require_viewer(request, "read:accounts")
    params = await read_params(request)
    if params.get_bool("resolve", False):
        await resolve_remote(params.get_str("q") or "", want="accounts")
    query = account_search.AccountQuery(
        text=params.get_str("q") or "",
        limit=params.get_int("limit", 40, low=1, high=80) or 40,
        offset=params.get_int("offset", 0, low=0) or 0,
        following=bool(params.get_bool("following", False)),
    )
    async with state(request).db.read() as session:
        found = await account_search.search_accounts(session, viewer.account_id, query)
    return JSON([account_json(a) for a in found])


@router.get("/api/v1/accounts/familiar_followers")
async def familiar_followers(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:follows")
    params = await read_params(request)
    wanted = list(dict.fromkeys(i for i in map(parse_id, params.get_strs("id")[:40]) if i))
    async with state(request).db.read() as session:
        found = await accounts_repo.get_accounts(session, wanted)
        shown = [i for i in wanted if i in found and found[i].suspended_at is None]
        open_ = [i for i in shown if not found[i].hide_collections]
        familiar = await endorsements.familiar_followers(session, viewer.account_id, open_)
    return JSON([familiar_followers_json(i, familiar.get(i, [])) for i in shown])


@router.get("/api/v1/accounts/{account_id}")
async def get_account(request: Request, account_id: str) -> JSON:
    await optional_viewer(request, "read:accounts")
    async with state(request).db.read() as session:
        account = await access_account(session, _id(account_id))
        return JSON(account_json(account))


@router.get("/api/v1/accounts/{account_id}/statuses")
async def get_account_statuses(request: Request, account_id: str) -> JSON:
    async with optional_viewer_session(request, "read:statuses") as (viewer, session):
        params = await read_params(request)
        flt = AccountStatusesFilter(
            exclude_replies=bool(params.get_bool("exclude_replies", False)),
            exclude_reblogs=bool(params.get_bool("exclude_reblogs", False)),
            only_media=bool(params.get_bool("only_media", False)),
            pinned=bool(params.get_bool("pinned", False)),
        )
        viewer_id = viewer.account_id if viewer else None
        account = await access_account(session, _id(account_id))
        rows = await account_statuses(session, viewer_id, account, page_params(params), flt)
        items = await render_statuses(session, viewer_id, rows, context="account")
    return paged(request, items, [r.id for r in rows])


@router.get("/api/v1/accounts/{account_id}/followers")
async def get_followers(request: Request, account_id: str) -> JSON:
    return await _account_list(request, account_id, relationships.followers)


@router.get("/api/v1/accounts/{account_id}/following")
async def get_following(request: Request, account_id: str) -> JSON:
    return await _account_list(request, account_id, relationships.following)


async def _account_list(
    request: Request, account_id: str, query: relationships.AccountPageQuery
) -> JSON:
    viewer = await optional_viewer(request, "read:accounts")
    params = await read_params(request)
    async with state(request).db.read() as session:
        account = await access_account(session, _id(account_id))
        if account.hide_collections and (viewer is None or viewer.account_id != account.id):
            return JSON([])
        rows = await query(session, account.id, page_params(params, default=40, maximum=80))
    return paged(request, [account_json(a) for _, a in rows], [c for c, _ in rows])


@router.post("/api/v1/accounts/{account_id}/follow")
async def follow(request: Request, account_id: str) -> JSON:
    viewer = await require_viewer(request, "write:follows")
    params = await read_params(request)
    options = relationships.FollowOptions(
        reblogs=params.get_bool("reblogs"),
        notify=params.get_bool("notify"),
        languages=params.get_strs("languages") if "languages" in params else None,
    )
    async with state(request).db.write() as session:
        target = await access_account(session, _id(account_id))
        await relationships.follow(session, viewer.account, target, options)
        (rel,) = await relationships.relationships(session, viewer.account_id, [target.id])
    return JSON(relationship_json(rel))


@router.post("/api/v1/accounts/{account_id}/unfollow")
async def unfollow(request: Request, account_id: str) -> JSON:
    viewer = await require_viewer(request, "write:follows")
    async with state(request).db.write() as session:
        target = await access_account(session, _id(account_id))
        await relationships.unfollow(session, viewer.account, target)
        (rel,) = await relationships.relationships(session, viewer.account_id, [target.id])
    return JSON(relationship_json(rel))


@router.get("/api/v1/follow_requests")
async def list_follow_requests(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:follows")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await relationships.follow_requests(
            session, viewer.account_id, page_params(params, default=40, maximum=80)
        )
    return paged(request, [account_json(a) for _, a in rows], [c for c, _ in rows])


@router.post("/api/v1/follow_requests/{account_id}/authorize")
async def authorize_follow_request(request: Request, account_id: str) -> JSON:
    viewer = await require_viewer(request, "write:follows")
    async with state(request).db.write() as session:
        await relationships.authorize_request(session, viewer.account, _id(account_id) or 0)
        (rel,) = await relationships.relationships(
            session, viewer.account_id, [_id(account_id) or 0]
        )
    return JSON(relationship_json(rel))


@router.post("/api/v1/follow_requests/{account_id}/reject")
async def reject_follow_request(request: Request, account_id: str) -> JSON:
    viewer = await require_viewer(request, "write:follows")
    async with state(request).db.write() as session:
        await relationships.reject_request(session, viewer.account, _id(account_id) or 0)
        (rel,) = await relationships.relationships(
            session, viewer.account_id, [_id(account_id) or 0]
        )
    return JSON(relationship_json(rel))


def _id(value: str) -> int | None:
    return parse_id(value)
