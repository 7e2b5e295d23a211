"""Benefit and relief builders: approved members straight in the database, campaigns and
allocations through the API."""

from __future__ import annotations

from datetime import timedelta

from app.core.crypto import keyed_hash
from app.core.time import utcnow
from tests.helpers import make_user, valid_id_number


def add_members(app, org_id: int, names: list[str], *, industry: str = "food_delivery",
                woman: bool = False, start: int = 0) -> dict[str, int]:
    """Approved members (users mock-<name>) of `org_id`; women have an even 17th digit."""
    from app.extensions import db
    from app.members.models import Membership

    ids = {}
    with app.app_context():
        for n, name in enumerate(names, start=start):
            user = make_user(name)
            sequence = (2 * n + (0 if woman else 1)) % 1000
            number = valid_id_number(f"1990{1 + n // 28 % 12:02d}{1 + n % 28:02d}", sequence)
            db.session.add(Membership(
                user_id=user.id, org_id=org_id, real_name=f"会员{name}", id_number=number,
                id_number_hash=keyed_hash(number), employer="美团", occupation="骑手",
                industry=industry, status="approved", version=1))
            ids[name] = user.id
        db.session.commit()
    return ids


def campaign_body(owner_org_id: int, eligible: list[int], kind: str = "supply", **extra) -> dict:
    body = {"owner_org_id": owner_org_id, "name": "送清凉", "kind": kind,
            "eligible_org_ids": eligible,
            "opens_at": (utcnow() - timedelta(hours=1)).isoformat(),
            "closes_at": (utcnow() + timedelta(days=5)).isoformat(), "unit_fen": 5000}
    if kind == "enrolment":
        body["quantity"] = 10
    body.update(extra)
    return body


def create_campaign(client, headers, owner_org_id: int, eligible: list[int],
                    kind: str = "supply", **extra) -> dict:
    response = client.post("/api/v1/benefits", headers=headers,
                           json=campaign_body(owner_org_id, eligible, kind, **extra))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def upload_codes(client, headers, campaign_id: int, codes: list[str]):
    payload = ("code\n" + "\n".join(codes) + "\n").encode()
    from io import BytesIO

    return client.post(f"/api/v1/benefits/{campaign_id}/codes", headers=headers,
                       data={"file": (BytesIO(payload), "codes.csv")},
                       content_type="multipart/form-data")


def allocation_body(from_org: int, to_org: int, amount_fen: int = 150_000_000) -> dict:
    return {"from_org_id": from_org, "to_org_id": to_org, "amount_fen": amount_fen,
            "purpose": "慰问受灾职工和救援人员", "meeting_name": "2023年第15次主席办公会",
            "meeting_date": "2023-12-22", "minute_reference": "陕工办纪〔2023〕15号"}


def payee(n: int, amount_fen: int = 100_000) -> dict:
    return {"name": f"受灾职工{n}", "id_number": valid_id_number("19850101", n % 1000, "620101"),
            "recipient_kind": "worker", "amount_fen": amount_fen, "reason": "地震受灾",
            "method": "bank", "bank_name": "农业银行", "bank_account": "6228480012345678"}
