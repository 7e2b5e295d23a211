"""Approval chains without approvers: nothing may stall silently.

A program whose chain reaches an org without an approver is flagged to its admins (the
program's `warnings`, and a message when it is created); an application submitted to such a
step is put on the to-do queue of the admins of the org above ("无人审批") until an approver
is granted there or the step is decided (and again when the last approver there is revoked).
Approvers of the chain's step orgs may also read the program's statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload

from app.aid.models import AidApplication, AidProgram
from app.core import todos
from app.core.i18n import N_, translate
from app.core.pages import page_path
from app.core.roles import Role
from app.core.todos import TodoItem
from app.extensions import db
from app.notify.service import notify
from app.orgs.models import OfficerRole, Org
from app.orgs.scope import grants_of, in_subtree

NO_APPROVER_KIND = "aid_no_approver"
LISTED = 50  # orgs named in a program's warning (the count says how many there are)
NO_APPROVER = N_("%(count)s org(s) in the approval chain have no approver yet: "
                 "grant the approver role there, or applications will wait at that step.")


@dataclass
class ProgramWarning:
    kind: str  # a warning's kind, shown as `code` (not an error code: nothing failed)
    message: str
    count: int
    orgs: list[Org] = field(default_factory=list)


def _approver_on(org_id_column):
    return exists().where(OfficerRole.org_id == org_id_column,
                          OfficerRole.role == Role.APPROVER)


def step_orgs_clause(chain: list[str], eligible_orgs: list[Org]):
    """Orgs deciding some step of a program: at one of the chain's levels, and inside an
    eligible org's subtree or above an eligible org (an index range per eligible org, and
    the ids on their paths)."""
    above = {org_id for org in eligible_orgs for org_id in org.path_ids}
    return (Org.level.in_(list(chain))
            & or_(Org.id.in_(above), *(in_subtree(Org.path, org.path) for org in eligible_orgs)))


def orgs_without_approver(chain: list[str], eligible_orgs: list[Org]) -> tuple[int, list[Org]]:
    """How many step orgs have no approver, and the first of them by path."""
    query = select(Org).where(step_orgs_clause(chain, eligible_orgs), ~_approver_on(Org.id))
    found = list(db.session.scalars(query.order_by(Org.path).limit(LISTED + 1)))
    count = len(found)
    if count > LISTED:
        count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return count, found[:LISTED]


def program_warnings(program: AidProgram) -> list[ProgramWarning]:
    """What the program's admins should fix (in the request's language)."""
    count, orgs = orgs_without_approver(program.chain, program.eligible_orgs)
    if not count:
        return []
    return [ProgramWarning(kind="no_approver", count=count, orgs=orgs,
                           message=translate(NO_APPROVER, {"count": count}))]


def with_warnings(program: AidProgram) -> AidProgram:
    """The program with `warnings` set when the viewer is an officer over its owner org."""
    program.warnings = program_warnings(program) if program.viewer_is_officer else None
    return program


def tell_admin_about_gaps(program: AidProgram, eligible_orgs: list[Org], admin_id: int) -> None:
    """A message to the admin who created a program whose chain has orgs without approver."""
    count, orgs = orgs_without_approver(program.chain, eligible_orgs)
    if not count:
        return
    names = "、".join(org.name for org in orgs[:5]) + ("等" if count > 5 else "")
    notify(user_id=admin_id, event="aid.no_approver", title="审批链缺少审批人",
           body=f"“{program.name}”的审批链中有{count}个组织还没有审批人（{names}），"
                f"请先指定审批人，否则申请会停在这一步。",
           data={"program_name": program.name, "count": count},
           page=page_path("aid/program", id=program.id))


def has_approver(org_id: int) -> bool:
    return bool(db.session.scalar(select(_approver_on(org_id))))


def open_gap_todo(application: AidApplication, *, step_org: Org, program_name: str) -> None:
    """The step's org has no approver: the admins of the org above get a "无人审批" to-do."""
    ids, parts = step_org.path_ids, step_org.path.strip("/").split("/")
    above_id = ids[-2] if len(ids) > 1 else ids[-1]
    above_path = "/" + "/".join(parts[:-1]) + "/" if len(ids) > 1 else step_org.path
    todos.open_todo(
        kind=NO_APPROVER_KIND, object_id=application.id, org_id=above_id,
        org_path=above_path, role=Role.ADMIN, version=application.version, batchable=False,
        title=f"无人审批：{step_org.name}",
        summary=f"{program_name} · {application.beneficiary_name}的申请在{step_org.name}"
                f"等待审批，该组织还没有审批人，请指定审批人",
        action=f"/api/v1/orgs/{step_org.id}/officers",
    )


def close_gap_todo(application_id: int) -> None:
    todos.close_todo(kind=NO_APPROVER_KIND, object_id=application_id)


def follow_approver_grants(*, org: Org, role: str, granted: bool) -> None:
    """An approver granted on `org`: the applications waiting there have one now. The last
    approver revoked: each application waiting there becomes a "无人审批" to-do again."""
    if role != Role.APPROVER:
        return
    waiting = select(AidApplication).where(AidApplication.step_org_id == org.id,
                                           AidApplication.status == "submitted")
    if granted:
        todos.close_todos(
            TodoItem.kind == NO_APPROVER_KIND,
            TodoItem.object_id.in_(waiting.with_only_columns(AidApplication.id)))
    elif not has_approver(org.id):
        for application in db.session.scalars(waiting.options(
                joinedload(AidApplication.program))):
            open_gap_todo(application, step_org=org, program_name=application.program.name)


def is_chain_approver(actor_id: int, program: AidProgram) -> bool:
    """The actor is an approver of an org deciding a step of the program."""
    for _, org in grants_of(actor_id, (Role.APPROVER,)):
        if org.level in program.chain and any(
                org.path.startswith(eligible.path) or eligible.path.startswith(org.path)
                for eligible in program.eligible_orgs):
            return True
    return False
