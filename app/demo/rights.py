"""Demo rights cases in 滨海, one in each state: a new one waiting for 长法村 to accept it,
an accepted one, an overdue one escalated to the county, one resolved waiting for the call
back, and a rider's wage arrears closed with the money recovered and a rating."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.core import todos
from app.core.labels import code_label
from app.core.time import to_shanghai, utcnow
from app.core.workdays import add_working_days
from app.demo.orgs import ensure_user
from app.extensions import db
from app.members.models import Membership
from app.rights.cases import TODO_KIND
from app.rights.deadlines import escalate_overdue, settings_for
from app.rights.models import CATEGORIES, RightsCase, RightsCaseEvent

# user, category, days ago, status, what happened, what wanted, employer, extra
CASES = [
    ("demo-member", "social_insurance", 0, "submitted",
     "文艺队的工作单位一直没有给我缴纳社保，问了几次都说再等等。", "补缴社保", "长法村文艺队", {}),
    ("binhai-clerk", "dismissal", 2, "accepted",
     "站点以业绩不达标为由口头辞退，没有书面通知也没有补偿。", "依法补偿", "顺丰速运坎北站", {}),
    ("binhai-worker", "work_injury", 30, "in_progress",
     "上夜班时手被机器压伤，厂里不给申报工伤。", "认定工伤并报销医药费", "滨海纺织厂", {}),
    ("binhai-clerk", "labour_contract", 12, "resolved",
     "入职半年公司一直不签劳动合同。", "签订劳动合同", "顺丰速运坎北站",
     {"outcome": "经调解，公司已与会员补签劳动合同"}),
    ("binhai-rider", "wage_arrears", 40, "closed",
     "配送站拖欠我三个月的工资，共 8600 元，站长换人后不认账。", "追回工资", "美团坎北配送站",
     {"outcome": "经工会调解，配送站已全额支付拖欠工资", "amount_recovered_fen": 860000,
      "rating": 5, "rating_comment": "感谢工会帮我要回了工资"}),
]


def _add_case(user_name: str, category: str, days_ago: int, status: str, happened: str,
              wanted: str, employer: str, extra: dict) -> None:
    user = ensure_user(user_name)
    if db.session.scalar(select(RightsCase.id).where(RightsCase.user_id == user.id,
                                                     RightsCase.category == category)):
        return
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.status == "approved"))
    org = membership.org
    now = utcnow()
    submitted = now - timedelta(days=days_ago)
    found = settings_for(org)
    day = to_shanghai(submitted).date()
    case = RightsCase(user_id=user.id, org_id=org.id, category=category,
                      what_happened=happened, what_wanted=wanted, employer=employer,
                      contact_method="phone", contact_phone="13900001234", status=status,
                      version=1, created_at=submitted,
                      accept_due=add_working_days(day, found.accept_days),
                      resolve_due=add_working_days(day, found.resolve_days),
                      outcome=extra.get("outcome"),
                      amount_recovered_fen=extra.get("amount_recovered_fen"),
                      rating=extra.get("rating"), rating_comment=extra.get("rating_comment"))
    events = [("submit", None, "submitted", submitted, None)]
    if status != "submitted":
        # accepted in time, except the escalated one (a week late)
        accepted = submitted + timedelta(hours=20 if days_ago < 30 else 24 * 7)
        case.accepted_at = accepted
        events.append(("accept", "submitted", "accepted", accepted, None))
    if status in ("in_progress", "resolved", "closed"):
        events.append(("step", "accepted", "in_progress", case.accepted_at + timedelta(days=1),
                       "约谈用人单位负责人，进行调解"))
    if status in ("resolved", "closed"):
        case.resolved_at = submitted + timedelta(days=8)
        events.append(("resolve", "in_progress", "resolved", case.resolved_at, case.outcome))
    if status == "closed":
        case.followed_up_at = case.resolved_at + timedelta(days=1)
        case.closed_at = case.resolved_at + timedelta(days=2)
        events.append(("follow_up", "resolved", "resolved", case.followed_up_at,
                       "工资已到账，非常满意"))
        events.append(("close", "resolved", "closed", case.closed_at, case.rating_comment))
    case.version = len(events)
    for action, before, after, when, note in events:
        case.events.append(RightsCaseEvent(
            action=action, from_status=before, to_status=after, created_at=when, note=note,
            kind="mediation" if action == "step" else None,
            actor_id=user.id if action in ("submit", "close") else None,
            called_on=to_shanghai(when).date() if action == "follow_up" else None,
            caller_name="坎北社区工会-王" if action == "follow_up" else None))
    db.session.add(case)
    db.session.flush()
    if status == "submitted":
        todos.open_todo(
            kind=TODO_KIND, object_id=case.id, org_id=org.id, org_path=org.path,
            role="approver", exact_org=True, version=case.version, batchable=False,
            waiting_since=submitted, title=f"维权求助：{code_label(CATEGORIES, category)}",
            summary=f"{org.name} · {employer} · 受理期限 {case.accept_due.isoformat()}",
            action=f"/api/v1/rights-cases/{case.id}/accept")


def load_rights() -> dict[str, int]:
    for spec in CASES:
        _add_case(*spec)
    db.session.commit()
    escalate_overdue()  # the work injury case: overdue, escalated to the county (once)
    return {"rights_cases": db.session.scalar(select(func.count()).select_from(RightsCase))}
