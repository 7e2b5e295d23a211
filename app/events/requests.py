"""点单式 training requests: an enterprise union officer or a member asks for a topic; the
county union above decides in its to-do queue (schedule → an event linked to the request, or
decline with a reason); the requester is told; the request is delivered when its event
finishes."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core import todos
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import DECIDERS, OFFICERS, Role
from app.core.states import guarded_update
from app.core.time import utcnow
from app.errors import Forbidden
from app.events import access
from app.events.events import build_event
from app.events.models import REQUESTS, Event, TrainingRequest
from app.extensions import db
from app.notify.service import notify
from app.orgs.models import Org
from app.orgs.scope import get_org_or_404, in_subtree, org_scope_clause

TODO_KIND = "training_request"
DECIDING_LEVELS = ("province", "city", "county")  # the nearest of these above decides


def deciding_org(org: Org) -> Org:
    """The county union over `org` (the org itself at county level or above; the root is
    always a province, so one is found)."""
    if org.level in DECIDING_LEVELS:
        return org
    orgs = {o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(org.path_ids)))}
    return next(orgs[i] for i in reversed(org.path_ids) if orgs[i].level in DECIDING_LEVELS)


def _may_request(actor_id: int, org: Org) -> bool:
    """An officer over the org, or a member whose union is the org or under it."""
    if access.is_officer_over(actor_id, org, OFFICERS):
        return True
    member_org = access.member_org(actor_id)
    return member_org is not None and member_org.path.startswith(org.path)


def create_request(*, actor_id: int, org_id: int, topic: str, expected_participants: int,
                   preferred_dates: list, place: str, series: str | None = None,
                   note: str | None = None) -> TrainingRequest:
    org = get_org_or_404(org_id)
    if not _may_request(actor_id, org):
        raise Forbidden("Training is requested by the officers or members of %(org)s.",
                        params={"org": org.name}, code="not_of_org")
    decider = deciding_org(org)
    request = TrainingRequest(
        org_id=org.id, org=org, decider_org_id=decider.id, decider_org=decider,
        requester_id=actor_id, topic=topic, series=series,
        expected_participants=expected_participants,
        preferred_dates=sorted({d.isoformat() for d in preferred_dates}), place=place,
        note=note, status="submitted", version=1)
    db.session.add(request)
    db.session.flush()
    todos.open_todo(kind=TODO_KIND, object_id=request.id, org_id=decider.id,
                    org_path=decider.path, exact_org=True, role=Role.APPROVER, version=1,
                    batchable=False, title=f"点单培训：{topic}",
                    summary=f"{org.name} · 约{expected_participants}人 · {place}",
                    action=f"/api/v1/training-requests/{request.id}/decisions")
    db.session.commit()
    return request


def _tell_requester(request: TrainingRequest, title: str, body: str) -> None:
    if request.requester_id is not None:
        notify(user_id=request.requester_id, event=f"training_request.{request.status}",
               title=title, body=body, data={"training_request_id": request.id},
               page=page_path("events/index"))


def decide(*, actor_id: int, request_id: int, action: str, version: int,
           reason: str | None = None, event: dict | None = None) -> TrainingRequest:
    """`schedule` creates the (draft) event of the county union linked to the request;
    `decline` needs a reason. Approvers of the deciding org only."""
    request = access.get_training_request(actor_id, request_id, roles=DECIDERS)
    target = REQUESTS.check(request.status, action)
    now = utcnow()
    guarded_update(request, values={"status": target, "decided_by": actor_id, "decided_at": now,
                                    "decision_reason": reason},
                   version=version, status=request.status, noun="training request",
                   machine=REQUESTS)
    todos.close_todo(kind=TODO_KIND, object_id=request.id)
    if action == "schedule":
        created = build_event(actor_id=actor_id, org=request.decider_org, data=event,
                              training_request_id=request.id)
        _tell_requester(request, f"点单培训已安排：{request.topic}",
                        f"{request.decider_org.name}已安排“{created.title}”。")
    else:
        _tell_requester(request, f"点单培训未能安排：{request.topic}", reason or "")
    db.session.commit()
    return access.get_training_request(actor_id, request_id)


def deliver(request_id: int) -> None:
    """Its event finished (events.finish, in that transaction)."""
    request = db.session.get(TrainingRequest, request_id)
    if request is not None and REQUESTS.can(request.status, "deliver"):
        guarded_update(request, values={"status": "delivered"}, status="scheduled",
                       noun="training request", machine=REQUESTS)


MENU_SIZE = 50


def training_menu(*, actor_id: int, org_id: int) -> dict:
    """The topics to pick from when requesting for `org_id`: the classes and trainings the
    deciding union and the orgs under it have given, newest first (free text stays allowed)."""
    org = get_org_or_404(org_id)
    decider = deciding_org(org)
    subtree = select(Org.id).where(in_subtree(Org.path, decider.path))
    rows = db.session.execute(
        select(Event.title, Event.series, func.max(Event.starts_at).label("last"))
        .where(Event.org_id.in_(subtree), Event.kind.in_(("class", "training")),
               Event.status.in_(("published", "finished")))
        .group_by(Event.title, Event.series).order_by(func.max(Event.starts_at).desc())
        .limit(MENU_SIZE))
    return {"decider_org": decider,
            "items": [{"topic": title, "series": series} for title, series, _ in rows]}


def list_requests(*, actor_id: int, mine: bool, status: list[str] | None, limit: int,
                  cursor: str | None) -> Page:
    """The caller's own requests (`mine`), or those an officer's orgs asked or decide."""
    query = select(TrainingRequest)
    if mine:
        query = query.where(TrainingRequest.requester_id == actor_id)
    else:
        query = query.where(org_scope_clause(actor_id, TrainingRequest.decider_org_id, OFFICERS)
                            | org_scope_clause(actor_id, TrainingRequest.org_id, OFFICERS))
    if status:
        query = query.where(TrainingRequest.status.in_(status))
    return keyset_page(query, keys=[TrainingRequest.id], limit=limit, cursor=cursor,
                       descending=True)



