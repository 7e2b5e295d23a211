"""Projects test data: approved members, request bodies, and a driver that moves one project
through the lifecycle over HTTP as the right people (`ProjectDriver`)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy import select

from app.auth.models import User
from app.core.crypto import keyed_hash
from app.extensions import db
from app.members.models import Membership
from tests.helpers import make_user, valid_id_number

# 2026-11-25 12:00 in Asia/Shanghai; the default project's bids close 2026-12-01 00:00 Shanghai
NOON = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
DEADLINE = "2026-11-30"
AFTER_DEADLINE = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
_sequence = itertools.count(1)


def approve_members(app, *names: str, org_id: int) -> None:
    """Users with an approved membership (the only people who may bid or volunteer)."""
    with app.app_context():
        for name in names:
            user = db.session.scalar(select(User).where(User.openid == f"mock-{name}"))
            user = user or make_user(name)
            number = valid_id_number(born="19920202", sequence=next(_sequence) % 1000)
            db.session.add(Membership(
                user_id=user.id, org_id=org_id, real_name=name, id_number=number,
                id_number_hash=keyed_hash(number), employer="桥缘家政", occupation="经理",
                industry="domestic_service", status="approved", version=2))
        db.session.commit()


def user_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.openid == f"mock-{name}"))


def project_body(org_id: int, **extra) -> dict:
    return {
        "org_id": org_id, "title": "家政服务提质扩容促就业", "problem": "家政人员不足、技能偏低",
        "category": "employment", "budget_fen": 10_000_00, "bid_deadline": DEADLINE,
        "due_date": "2027-06-30",
        "goals": [{"name": "转移就业", "unit": "人", "target": 1000},
                  {"name": "技能提升", "unit": "人", "target": 500}],
        **extra,
    }


def bid_body(**extra) -> dict:
    return {"plan": "组建工作专班", "qualifications": "十年家政经验",
            "team": [{"name": "乔梅花", "role": "负责人"}], "requested_fen": 8_000_00, **extra}


class ProjectDriver:
    """Moves one project through the lifecycle over HTTP, as the right people."""

    def __init__(self, app, client, as_user, clock, tree, org="county",
                 officer="county_approver", bidders=("bidder",), approve=True) -> None:
        """`approve=False`: the bidders are members already (a second project for them)."""
        self.app, self.client, self.as_user, self.clock = app, client, as_user, clock
        self.officer, self.bidders = officer, bidders
        if approve:
            approve_members(app, *bidders, org_id=tree["village1"])
        created = client.post("/api/v1/projects", headers=as_user(officer),
                              json=project_body(tree[org]))
        assert created.status_code == 201, created.get_json()
        self.project = created.get_json()
        self.id = self.project["id"]
        self.bids: dict[str, dict] = {}

    @property
    def url(self) -> str:
        return f"/api/v1/projects/{self.id}"

    def post(self, path: str, who: str | None, body: dict):
        response = self.client.post(f"{self.url}{path}", headers=self.as_user(who), json=body)
        if response.status_code == 200 and "status" in response.get_json():
            self.project = response.get_json()
        return response

    def refresh(self) -> dict:
        self.project = self.client.get(self.url, headers=self.as_user(self.officer)).get_json()
        return self.project

    def ok(self, path: str, who: str | None, body: dict) -> dict:
        response = self.post(path, who, body)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def version(self) -> dict:
        return {"version": self.project["version"]}

    def publish(self) -> None:
        self.ok("/publish", self.officer, self.version())

    def bid(self) -> None:
        for name in self.bidders:
            self.bids[name] = self.ok("/bids", name, bid_body())

    def award(self) -> None:
        self.clock.move_to(AFTER_DEADLINE)
        self.ok("/award", self.officer, {"bid_id": self.bids[self.bidders[0]]["id"],
                                         **self.version()})

    def start(self) -> None:
        self.ok("/start", self.bidders[0], self.version())

    def submit(self) -> None:
        self.ok("/submit", self.bidders[0], self.version())

    def evaluate(self, outcome: str, score: int = 90) -> None:
        self.ok("/evaluation", self.officer, {"score": score, "outcome": outcome,
                                              "comment": "问效", **self.version()})

    def drive(self, status: str) -> dict:
        """Bring the project to `status` by the allowed path."""
        steps = {
            "draft": [],
            "published": [self.publish],
            "cancelled": [lambda: self.ok("/cancel", self.officer,
                                          {"reason": "撤回", **self.version()})],
            "awarded": [self.publish, self.bid, self.award],
            "in_progress": [self.publish, self.bid, self.award, self.start],
            "under_review": [self.publish, self.bid, self.award, self.start, self.submit],
            "completed": [self.publish, self.bid, self.award, self.start, self.submit,
                          lambda: self.evaluate("completed")],
            "failed": [self.publish, self.bid, self.award, self.start, self.submit,
                       lambda: self.evaluate("failed", 40)],
        }[status]
        for step in steps:
            step()
        project = self.refresh()
        assert project["status"] == status
        return project

