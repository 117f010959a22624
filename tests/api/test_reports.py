"""Reports: what is accepted, what is refused, and that a refused report writes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from gazouille.domains import instance
from gazouille.models import Report
from tests.api.test_contract import check
from tests.conftest import Api


async def _count(db: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Report)) or 0)


async def test_report_an_account(api: Api, db: Any, alice: str, bob: str) -> None:
    b = await api.me(bob)
    status = await api.post_status(bob, "rude words")
    r = await api.post(
        "/api/v1/reports",
        alice,
        json={
            "account_id": b["id"],
            "status_ids": [status["id"]],
            "comment": "Please look",
            "category": "spam",
            "forward": True,
        },
    )
    assert r.status_code == 200, r.text
    report = r.json()
    check("Report", report)
    assert report["target_account"]["id"] == b["id"]
    assert (report["category"], report["comment"]) == ("spam", "Please look")
    assert report["status_ids"] == [status["id"]] and report["rule_ids"] is None
    assert report["action_taken"] is False and report["forwarded"] is False  # a local account
    async with db.read() as session:
        stored = (await session.execute(select(Report))).scalar_one()
    assert stored.target_account_id == int(b["id"]) and stored.status_ids == [int(status["id"])]
    # The category defaults to "other"; form-encoded works too.
    r = await api.post("/api/v1/reports", alice, data={"account_id": b["id"]})
    assert r.json()["category"] == "other" and r.json()["status_ids"] == []


async def test_citing_rules_makes_a_violation_report(
    api: Api, db: Any, alice: str, bob: str
) -> None:
    async with db.write() as session:
        await instance.update_settings(session, rules=["Be kind", "No spam"])
    b = await api.me(bob)
    r = await api.post(
        "/api/v1/reports",
        alice,
        json={"account_id": b["id"], "rule_ids": ["2"], "category": "spam"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["category"] == "violation" and r.json()["rule_ids"] == ["2"]
    r = await api.post("/api/v1/reports", alice, json={"account_id": b["id"], "rule_ids": ["3"]})
    assert (r.status_code, r.json()["error"]) == (
        422,
        "Validation failed: Rule ids does not reference valid rules",
    )


async def test_bad_reports_write_nothing(
    api: Api, db: Any, alice: str, bob: str, carol: str
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    carol_status = await api.post_status(carol, "not bob's")
    private = await api.post_status(bob, "followers only", visibility="private")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({}, 404, "Record not found"),
        ({"account_id": "99999"}, 404, "Record not found"),
        ({"account_id": "abc"}, 404, "Record not found"),
        ({"account_id": a["id"]}, 422, "Validation failed: You cannot report yourself"),
        (
            {"account_id": b["id"], "comment": "x" * 1001},
            422,
            "Validation failed: Comment is too long (maximum is 1000 characters)",
        ),
        (
            {"account_id": b["id"], "category": "boring"},
            422,
            "Validation failed: Category is not included in the list",
        ),
        ({"account_id": b["id"], "status_ids": [carol_status["id"]]}, 404, "Record not found"),
        ({"account_id": b["id"], "status_ids": [private["id"]]}, 404, "Record not found"),
        ({"account_id": b["id"], "status_ids": ["nope"]}, 404, "Record not found"),
        (
            {"account_id": b["id"], "forward": "perhaps"},
            422,
            "Validation failed: forward must be true or false",
        ),
    ]
    for body, code, message in cases:
        r = await api.post("/api/v1/reports", alice, json=body)
        assert (r.status_code, r.json()["error"]) == (code, message), body
    assert (await api.post("/api/v1/reports", json={"account_id": b["id"]})).status_code == 401
    assert await _count(db) == 0
