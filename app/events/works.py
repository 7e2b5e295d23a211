"""宣讲作品: members submit works; officers of the member's union publish or return them;
published works are listed with views counted once per person per day."""

from __future__ import annotations

from sqlalchemy import select, update

from app.core import todos
from app.core.db import insert_unique
from app.core.pages import page_path
from app.core.pagination import Page, keyset_page
from app.core.roles import OFFICERS, Role
from app.core.states import guarded_update
from app.core.time import SHANGHAI, utcnow
from app.errors import Forbidden
from app.events import access
from app.events.models import WORKS, Work, WorkView
from app.extensions import db
from app.notify.service import notify

TODO_KIND = "event_work"


def _open_review(work: Work) -> None:
    todos.open_todo(kind=TODO_KIND, object_id=work.id, org_id=work.org.id,
                    org_path=work.org.path, role=Role.APPROVER, version=work.version,
                    batchable=False, title=f"宣讲作品：{work.title}",
                    summary=f"{work.author_name} · {work.org.name}",
                    action=f"/api/v1/works/{work.id}/decisions")


def submit_work(*, actor_id: int, title: str, category: str, link: str, author_name: str,
                summary: str | None = None) -> Work:
    """Members only; the work belongs to the member's union (its officers review it)."""
    org = access.member_org(actor_id)
    if org is None:
        raise Forbidden("Only union members submit works; apply for membership first.",
                        code="members_only")
    work = Work(org_id=org.id, org=org, author_id=actor_id, author_name=author_name,
                title=title, category=category, summary=summary, link=link,
                status="submitted", views=0, version=1)
    db.session.add(work)
    db.session.flush()
    _open_review(work)
    db.session.commit()
    return work


def resubmit(*, actor_id: int, work_id: int, version: int, **changes) -> Work:
    """The author changes a returned work and submits it again."""
    work = access.get_work(actor_id, work_id)
    if work.author_id != actor_id:
        raise Forbidden("Only the author changes a work.", code="author_only")
    target = WORKS.check(work.status, "resubmit")
    guarded_update(work, values={"status": target, "return_reason": None, **changes},
                   version=version, status=work.status, noun="work", machine=WORKS)
    _open_review(work)
    db.session.commit()
    return work


def decide(*, actor_id: int, work_id: int, action: str, version: int,
           reason: str | None = None) -> Work:
    work = access.get_work(actor_id, work_id, roles=OFFICERS)
    target = WORKS.check(work.status, action)
    values = {"status": target}
    if action == "publish":
        values["published_at"] = utcnow()
    else:
        values["return_reason"] = reason
    guarded_update(work, values=values, version=version, status=work.status, noun="work",
                   machine=WORKS)
    todos.close_todo(kind=TODO_KIND, object_id=work.id)
    if work.author_id is not None:
        title = f"作品已发布：{work.title}" if action == "publish" else f"作品被退回：{work.title}"
        notify(user_id=work.author_id, event=f"event_work.{target}", title=title,
               body=reason or "", data={"work_id": work.id},
               page=page_path("events/index"))
    db.session.commit()
    return work


def list_works(*, actor_id: int, category: list[str] | None, mine: bool, limit: int,
               cursor: str | None) -> Page:
    """Published works, newest first; `mine`: the caller's own, any status."""
    if mine:
        query = select(Work).where(Work.author_id == actor_id)
        keys = [Work.created_at, Work.id]
    else:
        query = select(Work).where(Work.status == "published")
        keys = [Work.published_at, Work.id]
    if category:
        query = query.where(Work.category.in_(category))
    return keyset_page(query, keys=keys, limit=limit, cursor=cursor, descending=True)


def record_view(*, actor_id: int, work_id: int) -> dict:
    """Counted once per person per (Shanghai) day: the unique (work, user, day) index."""
    work = access.get_work(actor_id, work_id)
    if work.status != "published":
        raise Forbidden("Only published works are viewed here.", code="not_published")
    today = utcnow().astimezone(SHANGHAI).date()
    counted = insert_unique(WorkView(work_id=work.id, user_id=actor_id, day=today))
    if counted:
        db.session.execute(update(Work).where(Work.id == work.id)
                           .values(views=Work.views + 1)
                           .execution_options(synchronize_session=False))
    views = db.session.scalar(select(Work.views).where(Work.id == work.id))
    db.session.commit()
    return {"counted": counted, "views": views}
