"""Tables of privacy: policy versions, the consent ledger, deletion requests, erasures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import BigIntPK
from app.core.i18n import N_
from app.core.time import UTCDateTime, utcnow
from app.extensions import db

# purpose → the kinds of sensitive data processed for it, each needing its own consent (PIPL
# Art. 29). minor_guardian is the guardian's consent for a beneficiary under 14 (Art. 31).
PURPOSES: dict[str, tuple[str, ...]] = {
    "membership": ("id_number",),
    "aid": ("id_number", "bank_account", "certificate", "minor_guardian"),
    "rights": ("case_details",),
    "benefits": ("id_number",),
}
DATA_KINDS = tuple(sorted({kind for kinds in PURPOSES.values() for kind in kinds}))
# what a consent screen shows for each kind and purpose (a 403 consent_required names them)
GUARDIAN_RELATIONS = ("parent", "grandparent", "sibling", "legal_guardian", "other")
DELETION_STATUSES = ("blocked", "scheduled", "done")
# the labels of the codes (`core.labels`)
PURPOSE_LABELS = {"membership": N_("Union membership"), "aid": N_("Aid applications"),
                  "rights": N_("Rights help"), "benefits": N_("Benefit enrolments")}
DATA_KIND_LABELS = {"id_number": N_("ID card number"), "bank_account": N_("Bank account"),
                    "certificate": N_("Certificates"),
                    "minor_guardian": N_("Guardian's consent for a minor"),
                    "case_details": N_("Details of a rights case")}
GUARDIAN_RELATION_LABELS = {"parent": N_("Parent"), "grandparent": N_("Grandparent"),
                            "sibling": N_("Brother or sister"),
                            "legal_guardian": N_("Legal guardian"), "other": N_("Other relation")}
DELETION_STATUS_LABELS = {"blocked": N_("Cannot be deleted yet"),
                          "scheduled": N_("Deletion scheduled"), "done": N_("Deleted")}
ACTIVE = "withdrawn_at IS NULL"
CURRENT = "is_current"


class PrivacyPolicy(db.Model):
    """One published version of the processing rules of a purpose; one is current."""

    __tablename__ = "privacy_policies"
    __table_args__ = (
        CheckConstraint(f"purpose IN {tuple(PURPOSES)}", name="purpose"),
        Index("uq_privacy_policies_purpose_version", "purpose", "version", unique=True),
        # One current version per purpose, whatever two publishers do at once.
        Index("uq_privacy_policies_current", "purpose", unique=True,
              postgresql_where=db.text(CURRENT), sqlite_where=db.text(CURRENT)),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Consent(db.Model):
    """A separate consent to process one kind of sensitive data for one purpose.

    `subject_id_hash` is "" when the consent is about the holder's own data; otherwise it is
    the keyed hash of the ID number of the person it concerns: a child (guardian consent) or
    someone whose signed paper form an officer recorded (`recorded_by`, `paper_reference`).
    """

    __tablename__ = "privacy_consents"
    __table_args__ = (
        CheckConstraint(f"purpose IN {tuple(PURPOSES)}", name="purpose"),
        CheckConstraint(f"data_kind IN {DATA_KINDS}", name="data_kind"),
        # One active consent per holder, purpose, kind, version and subject: a racing twin
        # grant finds the first one instead of adding a duplicate.
        Index("uq_privacy_consents_active", "user_id", "purpose", "data_kind", "policy_version",
              "subject_id_hash", unique=True, postgresql_where=db.text(ACTIVE),
              sqlite_where=db.text(ACTIVE)),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    data_kind: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str] = mapped_column(String(32))
    subject_id_hash: Mapped[str] = mapped_column(String(64), default="")
    subject_name: Mapped[str | None] = mapped_column(String(50))
    guardian_relation: Mapped[str | None] = mapped_column(String(16))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paper_reference: Mapped[str | None] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeletionRequest(db.Model):
    """An account cancellation and the decision taken when it was asked for."""

    __tablename__ = "privacy_deletion_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {DELETION_STATUSES}", name="status"),
        Index("ix_privacy_deletion_requests_status_erase_at", "status", "erase_at"),
        # at most one account cancellation waiting to be carried out per person
        Index("uq_privacy_deletion_requests_scheduled", "user_id", unique=True,
              postgresql_where=db.text("status = 'scheduled'"),
              sqlite_where=db.text("status = 'scheduled'")),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    # [{"kind": "aid_application" | "membership", "id", "status"}] while blocked
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    erase_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Erasure(db.Model):
    """What has been de-identified already, so the retention job never does it twice."""

    __tablename__ = "privacy_erasures"
    __table_args__ = (
        Index("uq_privacy_erasures_target", "kind", "target_type", "target_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int] = mapped_column(BigInteger)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
