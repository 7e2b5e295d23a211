"""Demo cards and transfers: every approved demo member has a card; a member of 新港村 who
moved asks to transfer to 长法村, waiting for its approver."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.cards.cards import issue_card
from app.cards.models import MemberCard
from app.core import todos
from app.core.time import utcnow
from app.demo.orgs import add_membership, demo_id_number, ensure_user
from app.extensions import db
from app.members.models import Membership, MembershipTransfer
from app.members.transfers import TODO_KIND
from app.orgs.models import Org

# user → (name, org, industry, occupation, employer, days a member)
MEMBERS = {
    "binhai-rider": ("陈刚", "坎北社区", "food_delivery", "骑手", "美团", 300),
    "binhai-worker": ("孙丽", "滨海经济开发区", "manufacturing", "操作工", "滨海纺织厂", 500),
    "binhai-clerk": ("马超", "坎北社区", "express_delivery", "快递员", "顺丰速运", 120),
    "xingang-worker": ("刘洋", "新港村", "construction", "钢筋工", "滨海建工", 400),
}
DEMO_USERS = list(MEMBERS)


def _org(name: str) -> Org:
    return db.session.scalar(select(Org).where(Org.name == name))


def add_members() -> None:
    for index, (user_name, (name, org_name, industry, occupation, employer, days)) in \
            enumerate(MEMBERS.items()):
        add_membership(ensure_user(user_name), _org(org_name), name=name, industry=industry,
                       occupation=occupation, employer=employer, status="approved",
                       days_ago=days,
                       id_number=demo_id_number("320922", f"1990010{index + 1}", 300 + index))


def add_transfer() -> None:
    """刘洋 moved to 长法村 and asks to transfer there (长法村's approver decides)."""
    user = ensure_user("xingang-worker")
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.status == "approved"))
    if membership is None or db.session.scalar(select(MembershipTransfer.id).where(
            MembershipTransfer.membership_id == membership.id)):
        return
    target = _org("长法村")
    asked = utcnow() - timedelta(days=1)
    transfer = MembershipTransfer(membership_id=membership.id, user_id=user.id,
                                  from_org_id=membership.org_id, to_org_id=target.id,
                                  reason="在长法村的工地干活，家也搬过来了", status="pending",
                                  version=1, created_at=asked)
    db.session.add(transfer)
    db.session.flush()
    todos.open_todo(kind=TODO_KIND, object_id=transfer.id, org_id=target.id,
                    org_path=target.path, role="approver",
                    title=f"转会申请：{membership.real_name}",
                    summary=f"新港村 → {target.name}", version=1, waiting_since=asked,
                    action=f"/api/v1/membership-transfers/{transfer.id}/decision")


def load_cards_and_transfers() -> dict[str, int]:
    add_members()
    add_transfer()
    db.session.flush()
    for membership in db.session.scalars(select(Membership).where(
            Membership.status == "approved").order_by(Membership.id)):
        issue_card(membership)
    db.session.commit()
    return {"member_cards": db.session.scalar(select(func.count()).select_from(MemberCard))}
