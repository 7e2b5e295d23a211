"""The consent ledger: policy versions, grants and withdrawals, and the one check services call.

Whose consent counts (PIPL Art. 29, 31):
- A person applying for themselves or their family gives their own consent in the app; it
  covers the data they provide (`subject_id_hash` "").
- An officer entering an aid application on someone's behalf (`on_behalf`) records that
  person's signed paper consent first: a consent held by the officer with the person's name,
  ID number (kept only as a keyed hash) and `paper_reference`. Only a consent recorded for
  that very beneficiary counts.
- A beneficiary under 14 on the application date needs the applicant's guardian consent for
  that child (`minor_guardian`, with the guardian relation), given or recorded the same way.
A consent counts only for the current policy version of its purpose and until withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.core import idcard
from app.core.crypto import keyed_hash
from app.core.db import insert_unique, is_unique_violation
from app.core.i18n import N_, translate
from app.core.labels import Code, Codes, Phrase
from app.core.time import SHANGHAI, utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.privacy.models import (
    DATA_KIND_LABELS,
    PURPOSE_LABELS,
    PURPOSES,
    Consent,
    PrivacyPolicy,
)

MINOR_AGE = 14


@dataclass(frozen=True)
class PolicyText:
    purpose: str
    version: str
    title: str
    summary: str
    published_at: datetime | None

    @property
    def data_kinds(self) -> list[str]:
        """Each needs its own consent."""
        return list(PURPOSES[self.purpose])


@dataclass
class ConsentState:
    """A consent and whether it counts now (not withdrawn, given to the current version)."""

    consent: Consent
    counts: bool


# Version 1 of each purpose; the migration publishes the same rows. Until an operator
# publishes a version (`flask gonghui publish-policy`), these are current.
DEFAULT_POLICIES = {
    "membership": PolicyText(
        "membership", "2026-11", "入会个人信息处理规则",
        "为办理入会，我们收集您的身份证号（敏感个人信息）用于核验身份和防止重复入会，"
        "加密保存；仅审核您申请的工会干部可在说明理由后查看完整号码。", None),
    "aid": PolicyText(
        "aid", "2026-11", "帮扶申请个人信息处理规则",
        "为办理帮扶申请，我们分别收集受助人身份证号、银行账号和证明材料（敏感个人信息），"
        "用于资格审核和资金发放，加密保存，结案后按保存期限删除或去标识化；"
        "不满十四周岁的受助人须由监护人同意。", None),
}


def current_policy(purpose: str) -> PolicyText:
    # no autoflush: services call the checks with their half-built rows in the session
    with db.session.no_autoflush:
        row = db.session.scalar(select(PrivacyPolicy).where(
            PrivacyPolicy.purpose == purpose, PrivacyPolicy.is_current.is_(True)))
    if row is None:
        return DEFAULT_POLICIES[purpose]
    return PolicyText(row.purpose, row.version, row.title, row.summary, row.published_at)


def current_policies() -> list[PolicyText]:
    """What /privacy/policies shows: each purpose's current version and its data kinds."""
    return [current_policy(purpose) for purpose in PURPOSES]


def publish_policy(*, purpose: str, version: str, title: str, summary: str) -> PolicyText:
    """A new current version: consents given for older versions no longer count."""
    if purpose not in PURPOSES:
        raise Invalid("Unknown purpose %(purpose)s.", params={"purpose": repr(purpose)},
                      details={"purposes": list(PURPOSES)})
    if current_policy(purpose).version == version:
        raise Conflict("Version %(version)s is already current.", params={"version": version},
                       code="policy_exists")
    db.session.execute(update(PrivacyPolicy)
                       .where(PrivacyPolicy.purpose == purpose, PrivacyPolicy.is_current.is_(True))
                       .values(is_current=False))
    db.session.add(PrivacyPolicy(purpose=purpose, version=version, title=title, summary=summary,
                                 is_current=True, published_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if not is_unique_violation(exc):
            raise
        raise Conflict("Version %(version)s of %(purpose)s exists already.",
                       params={"version": version, "purpose": Code(PURPOSE_LABELS, purpose)},
                       code="policy_exists") from None
    return current_policy(purpose)


def subject_hash(id_number: str | None) -> str:
    return keyed_hash(idcard.normalise(id_number)) if id_number else ""


def _active(user_id: int, purpose: str, data_kind: str, subject: str) -> Consent | None:
    version = current_policy(purpose).version
    with db.session.no_autoflush:
        return db.session.scalar(select(Consent).where(
            Consent.user_id == user_id, Consent.purpose == purpose,
            Consent.data_kind == data_kind, Consent.policy_version == version,
            Consent.subject_id_hash == subject, Consent.withdrawn_at.is_(None)).limit(1))


def grant(*, actor_id: int, purpose: str, data_kind: str, policy_version: str,
          subject: dict | None = None, guardian_relation: str | None = None,
          paper_reference: str | None = None) -> ConsentState:
    """Record a consent to the current version (the one the person was shown); giving it
    again answers with the one in force."""
    if data_kind not in PURPOSES[purpose]:
        raise Invalid("%(purpose)s does not process %(data_kind)s.",
                      params={"purpose": Code(PURPOSE_LABELS, purpose),
                              "data_kind": Code(DATA_KIND_LABELS, data_kind)},
                      details={"fields": {"data_kind": [
                          translate(N_("choose one of %(kinds)s"),
                                    {"kinds": Codes(DATA_KIND_LABELS, PURPOSES[purpose])})]}})
    current = current_policy(purpose).version
    if policy_version != current:
        raise Conflict("That policy version is not the current one; show the current one.",
                       code="policy_version_outdated",
                       details={"purpose": purpose, "policy_version": current})
    if data_kind == "minor_guardian" and not (subject and guardian_relation):
        raise Invalid("A guardian consent names the child and the guardian relation.",
                      details={"fields": {
                          "subject": [N_("required for a guardian's consent")],
                          "guardian_relation": [N_("required for a guardian's consent")]}})
    if paper_reference and not subject:
        raise Invalid("A recorded paper consent names the person who signed it.",
                      details={"fields": {"subject": [N_("required for a recorded paper form")]}})
    number = None
    if subject:
        number = idcard.normalise(subject["id_number"])
        problem = idcard.problem_with(number)
        if problem:
            raise Invalid("The ID number is not valid: %(problem)s.",
                          params={"problem": Phrase(problem)},
                          details={"fields": {"subject.id_number": [translate(problem)]}})
    hashed = subject_hash(number)
    existing = _active(actor_id, purpose, data_kind, hashed)
    if existing is not None:
        return ConsentState(existing, True)
    consent = Consent(user_id=actor_id, purpose=purpose, data_kind=data_kind,
                      policy_version=current, subject_id_hash=hashed,
                      subject_name=subject["name"] if subject else None,
                      guardian_relation=guardian_relation if subject else None,
                      recorded_by=actor_id if paper_reference else None,
                      paper_reference=paper_reference, granted_at=utcnow())
    if not insert_unique(consent):  # the same grant raced us: the other one counts
        consent = _active(actor_id, purpose, data_kind, hashed)
    db.session.commit()
    return ConsentState(consent, True)


def withdraw(*, actor_id: int, consent_id: int) -> ConsentState:
    """Stops new processing; data already held under a legal basis is not deleted by it."""
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.user_id != actor_id:
        raise NotFound("No such consent.")
    # Conditional UPDATE: of two withdrawals at once one answers 409.
    moved = db.session.execute(
        update(Consent).where(Consent.id == consent_id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if moved != 1:  # the request's transaction is discarded with the error
        raise Conflict("This consent is already withdrawn.", code="already_withdrawn")
    db.session.commit()
    return ConsentState(consent, False)


def list_mine(*, actor_id: int) -> list[ConsentState]:
    """The caller's consents, newest first, each with whether it counts now."""
    rows = list(db.session.scalars(select(Consent).where(Consent.user_id == actor_id)
                                   .order_by(Consent.id.desc())))
    versions = {purpose: current_policy(purpose).version for purpose in PURPOSES}
    return [ConsentState(row, row.withdrawn_at is None
                         and row.policy_version == versions[row.purpose]) for row in rows]


def require_consent(user_id: int, purpose: str, data_kind: str, *,
                    subject_id_number: str | None = None) -> None:
    """403 consent_required unless `user_id` holds a current consent for this processing."""
    if _active(user_id, purpose, data_kind, subject_hash(subject_id_number)) is None:
        raise Forbidden(
            "Separate consent to process %(data_kind)s for %(purpose)s is needed first.",
            params={"data_kind": Code(DATA_KIND_LABELS, data_kind),
                    "purpose": Code(PURPOSE_LABELS, purpose)},
            code="consent_required",
            details={"purpose": purpose, "data_kind": data_kind,
                     "policy_version": current_policy(purpose).version,
                     "subject_required": subject_id_number is not None})


def age_today(id_number: str) -> int | None:
    return idcard.age_on(id_number, utcnow().astimezone(SHANGHAI).date())


def require_aid_consents(*, actor_id: int, beneficiary_id_number: str, on_behalf: bool,
                         with_documents: bool) -> None:
    """Consents an aid application needs before its sensitive data is stored."""
    subject = beneficiary_id_number if on_behalf else None
    for kind in ("id_number", "bank_account") + (("certificate",) if with_documents else ()):
        require_consent(actor_id, "aid", kind, subject_id_number=subject)
    age = age_today(beneficiary_id_number)
    if age is not None and age < MINOR_AGE and _active(
            actor_id, "aid", "minor_guardian", subject_hash(beneficiary_id_number)) is None:
        raise Forbidden(
            "The beneficiary is under 14: the guardian's consent for this child is needed.",
            code="guardian_consent_required",
            details={"purpose": "aid", "data_kind": "minor_guardian",
                     "policy_version": current_policy("aid").version, "beneficiary_age": age})
