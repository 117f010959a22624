"""/api/v1/reports."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.params import read_params
from gazouille.api.responses import JSON
from gazouille.api.social_json import report_json
from gazouille.core.ids import parse_id
from gazouille.domains.reports import service as reports

router = APIRouter()


@router.post("/api/v1/reports")
async def create(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:reports")
    params = await read_params(request)
    command = reports.NewReport(
        account_id=params.get_id("account_id"),
        status_ids=[parse_id(v) for v in params.get_strs("status_ids")],
        comment=params.get_str("comment") or "",
        category=params.get_str("category") or None,
        rule_ids=params.get_strs("rule_ids"),
        forward=bool(params.get_bool("forward", False)),
    )
    async with state(request).db.write() as session:
        report, target = await reports.create_report(session, viewer.account, command)
    return JSON(report_json(report, target))
