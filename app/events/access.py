"""Who may see and run what in events: the loaders `get_<thing>(actor_id, id, *, roles=…)`
and the audience rule (everyone, members, members of given orgs)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.core.i18n import N_
from app.core.roles import OFFICERS
from app.errors import Forbidden, NotFound
from app.events.models import Event, Signup, TrainingRequest, Work
from app.extensions import db
from app.members.models import Membership
from app.orgs.models import Org
from app.orgs.scope import authorize, has_role_over


def is_officer_over(actor_id: int | None, org: Org, roles: Iterable[str] = OFFICERS) -> bool:
    return has_role_over(actor_id, org, roles)


def get_event(actor_id: int | None, event_id: int, *, roles: Iterable[str] | None = None,
              lock: bool = False) -> Event:
    """Published, cancelled and finished events are public to logged-in users; a draft only
    to officers over its org (404 to everyone else). With `roles` the actor must hold one over
    the event's org (404 outside it, 403 for the wrong role). `lock`: SELECT … FOR UPDATE."""
    query = select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update(of=Event)
    event = db.session.scalar(query)
    if event is None:
        raise NotFound("No such event.")
    event.viewer_is_officer = is_officer_over(actor_id, event.org)
    if roles is not None:
        authorize(actor_id, event.org, tuple(roles))
    elif event.status == "draft" and not event.viewer_is_officer:
        raise NotFound("No such event.")
    return event


def member_org(actor_id: int) -> Org | None:
    """The org of the user's approved membership (None when not a member)."""
    return db.session.scalar(select(Org).join(Membership, Membership.org_id == Org.id)
                             .where(Membership.user_id == actor_id,
                                    Membership.status == "approved").limit(1))


def audience_orgs(event: Event) -> list[Org]:
    if not event.audience_org_ids:
        return []
    return list(db.session.scalars(select(Org).where(Org.id.in_(event.audience_org_ids))
                                   .order_by(Org.id)))


def require_audience(actor_id: int, event: Event) -> None:
    """403 `members_only` / `not_in_audience` for a caller the event is not for."""
    if event.audience == "everyone":
        return
    org = member_org(actor_id)
    if org is None:
        raise Forbidden(N_("This event is for union members; apply for membership first."),
                        code="members_only")
    if event.audience == "orgs" and not any(
            org.path.startswith(target.path) for target in audience_orgs(event)):
        raise Forbidden(N_("This event is for the members of %(orgs)s."),
                        params={"orgs": "、".join(o.name for o in audience_orgs(event))},
                        code="not_in_audience")


def get_signup(actor_id: int, event: Event, signup_id: int) -> Signup:
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.event_id != event.id:
        raise NotFound("No such sign-up.")
    return signup


def get_training_request(actor_id: int, request_id: int, *,
                         roles: Iterable[str] | None = None) -> TrainingRequest:
    """The requester and officers over the requesting or the deciding org see it; with `roles`
    the actor must hold one over the deciding (county) org."""
    found = db.session.scalar(select(TrainingRequest).where(TrainingRequest.id == request_id)
                              .execution_options(populate_existing=True))
    if found is None:
        raise NotFound("No such training request.")
    if roles is not None:
        authorize(actor_id, found.decider_org, tuple(roles))
    elif not (found.requester_id == actor_id or is_officer_over(actor_id, found.org)
              or is_officer_over(actor_id, found.decider_org)):
        raise NotFound("No such training request.")
    return found


def get_work(actor_id: int, work_id: int, *, roles: Iterable[str] | None = None) -> Work:
    """Published works are public to logged-in users; others to the author and officers over
    the work's org. With `roles` the actor must hold one over the work's org."""
    work = db.session.scalar(select(Work).where(Work.id == work_id)
                             .execution_options(populate_existing=True))
    if work is None:
        raise NotFound("No such work.")
    if roles is not None:
        authorize(actor_id, work.org, tuple(roles))
    elif work.status != "published" and not (
            work.author_id == actor_id or is_officer_over(actor_id, work.org)):
        raise NotFound("No such work.")
    return work
