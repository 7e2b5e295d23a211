"""The application's history: what the applicant follows (every submit, decision, withdrawal
and payment), shown with the application."""

from __future__ import annotations

from app.aid.models import AidApplication, AidApplicationEvent


def record_event(application: AidApplication, *, actor_id: int | None, action: str,
                 from_status: str | None, to_status: str, comment: str | None = None,
                 step: int | None = None, org_id: int | None = None) -> AidApplicationEvent:
    """Append an event to the application's history (flushed with the caller's change)."""
    event = AidApplicationEvent(actor_id=actor_id, action=action, from_status=from_status,
                                to_status=to_status, step=step, org_id=org_id,
                                comment=comment)
    application.events.append(event)
    return event
