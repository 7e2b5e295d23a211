"""Demo consents: the demo members and aid applicants consented to the current policies, so
they can apply from the mini-program; officers consented to nothing (they record paper forms
when entering applications on someone's behalf)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.time import utcnow
from app.demo.aid import VILLAGE_USERS
from app.demo.cards import DEMO_USERS
from app.demo.orgs import ensure_user
from app.extensions import db
from app.privacy.consent import current_policy
from app.privacy.models import Consent

CONSENTING_USERS = ["demo-worker", "demo-member", "demo-qiao", *VILLAGE_USERS.values(),
                    *DEMO_USERS]
KINDS = [("membership", "id_number"), ("aid", "id_number"), ("aid", "bank_account"),
         ("aid", "certificate"), ("rights", "case_details")]


def load_consents() -> dict[str, int]:
    """Idempotent: a consent is added only where no active one for that version exists."""
    for name in CONSENTING_USERS:
        user = ensure_user(name)
        for purpose, kind in KINDS:
            version = current_policy(purpose).version
            held = db.session.scalar(select(Consent.id).where(
                Consent.user_id == user.id, Consent.purpose == purpose,
                Consent.data_kind == kind, Consent.policy_version == version,
                Consent.subject_id_hash == "", Consent.withdrawn_at.is_(None)))
            if held is None:
                db.session.add(Consent(user_id=user.id, purpose=purpose, data_kind=kind,
                                       policy_version=version, subject_id_hash="",
                                       granted_at=utcnow()))
    db.session.commit()
    return {"privacy_consents": db.session.scalar(select(func.count()).select_from(Consent))}
