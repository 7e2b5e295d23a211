"""The application state machine as data, and the one guarded write that moves it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from app.aid.models import AidApplication
from app.errors import Conflict, InvalidTransition
from app.extensions import db

# action → statuses it may start from
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "edit": ("draft", "returned"),
    "submit": ("draft", "returned"),
    "approve": ("submitted",),
    "return": ("submitted",),
    "reject": ("submitted",),
    "withdraw": ("draft", "submitted", "returned"),
    "pay": ("approved",),
}


def ensure_allowed(application: AidApplication, action: str) -> None:
    allowed = TRANSITIONS[action]
    if application.status not in allowed:
        raise InvalidTransition(
            f"Cannot {action} an application that is {application.status} "
            f"(allowed from: {', '.join(allowed)}).",
            details={"status": application.status, "action": action})


def ensure_current(application: AidApplication, version: int) -> None:
    """Early answer for a caller who saw an older state (the UPDATE re-checks it anyway)."""
    if application.version != version:
        raise Conflict("This application changed since you loaded it.", code="stale_version",
                       details={"status": application.status, "version": application.version})


def transition(application: AidApplication, action: str, *, version: int,
               **values: Any) -> None:
    """Conditional UPDATE on the status, step and version the caller saw; a loser gets 409.

    Two officers deciding at once, or an applicant withdrawing while an officer approves,
    both match the WHERE clause only once.
    """
    ensure_allowed(application, action)
    seen_status, seen_step = application.status, application.step
    step_clause = (AidApplication.step.is_(None) if seen_step is None
                   else AidApplication.step == seen_step)
    moved = db.session.execute(
        update(AidApplication)
        .where(AidApplication.id == application.id, AidApplication.version == version,
               AidApplication.status == seen_status, step_clause)
        .values(version=AidApplication.version + 1, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        application_id = application.id
        db.session.rollback()
        current = db.session.get(AidApplication, application_id)
        raise Conflict("This application changed since you loaded it.", code="stale_version",
                       details={"status": current.status, "version": current.version})
    db.session.expire(application)
