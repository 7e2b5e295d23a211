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
from app.core.labels import Code, Codes, code_label
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
    "rights": PolicyText(
        "rights", "2026-12", "维权求助个人信息处理规则",
        "为办理维权求助，我们收集您填写的事情经过、诉求、用人单位、联系方式和材料（敏感个人信息），"
        "仅用于受理、调解、转介和回访，加密保存；只有处理您案件的工会干部可查看，每次查看均留痕。",
        None),
    "benefits": PolicyText(
        "benefits", "2026-12", "福利报名个人信息处理规则",
        "为办理保险等福利报名，我们收集您的身份证号（敏感个人信息）和手机号，加密保存，"
        "仅用于向承保或服务机构报送名单；工会干部导出名单须说明理由并留痕。", None),
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


def grant(*, actor_id: int, purpose: str, data_kinds: list[str], policy_version: str,
          subject: dict | None = None, guardian_relation: str | None = None,
          paper_reference: str | None = None) -> list[ConsentState]:
    """Record consents to the current version (the one the person was shown), one per data
    kind, in one transaction; giving one again answers with the one in force.

    With `paper_reference` (an officer recording a signed form) every kind is about
    `subject`, the signer. Without it `subject` is the child of a `minor_guardian` consent and
    the other kinds given in the same call are the caller's own."""
    kinds = list(dict.fromkeys(data_kinds))
    unknown = [kind for kind in kinds if kind not in PURPOSES[purpose]]
    if unknown:
        raise Invalid("%(purpose)s does not process %(data_kind)s.",
                      params={"purpose": Code(PURPOSE_LABELS, purpose),
                              "data_kind": ", ".join(unknown)},
                      details={"fields": {"data_kinds": [
                          translate(N_("choose one of %(kinds)s"),
                                    {"kinds": Codes(DATA_KIND_LABELS, PURPOSES[purpose])})]}})
    current = current_policy(purpose).version
    if policy_version != current:
        raise Conflict("That policy version is not the current one; show the current one.",
                       code="policy_version_outdated",
                       details={"purpose": purpose, "policy_version": current})
    if "minor_guardian" in kinds and not (subject and guardian_relation):
        raise Invalid("A guardian consent names the child and the guardian relation.",
                      details={"fields": {
                          "subject": [N_("required for a guardian's consent")],
                          "guardian_relation": [N_("required for a guardian's consent")]}})
    if paper_reference and not subject:
        raise Invalid("A recorded paper consent names the person who signed it.",
                      details={"fields": {"subject": [N_("required for a recorded paper form")]}})
    if subject and not paper_reference and "minor_guardian" not in kinds:
        raise Invalid("A person named in a consent is the child of a guardian consent or the "
                      "signer of a recorded paper form; your own consent names nobody.",
                      details={"fields": {"subject": [
                          N_("only for a guardian's consent or a recorded paper form")]}})
    number = None
    if subject:
        number = idcard.normalise(subject["id_number"])
        problem = idcard.problem_with(number)
        if problem:
            raise Invalid("The ID number is not valid; check it against the ID card.",
                          details={"fields": {"subject.id_number": [problem]}})
    states = []
    for kind in kinds:
        about_subject = subject is not None and (paper_reference or kind == "minor_guardian")
        states.append(_grant_one(
            actor_id=actor_id, purpose=purpose, data_kind=kind, version=current,
            subject=subject if about_subject else None, number=number if about_subject else None,
            guardian_relation=guardian_relation if kind == "minor_guardian" else None,
            paper_reference=paper_reference))
    db.session.commit()
    return states


def _grant_one(*, actor_id: int, purpose: str, data_kind: str, version: str,
               subject: dict | None, number: str | None, guardian_relation: str | None,
               paper_reference: str | None) -> ConsentState:
    """One kind's consent, flushed (the caller commits)."""
    hashed = subject_hash(number)
    existing = _active(actor_id, purpose, data_kind, hashed)
    if existing is not None:
        return ConsentState(existing, True)
    consent = Consent(user_id=actor_id, purpose=purpose, data_kind=data_kind,
                      policy_version=version, subject_id_hash=hashed,
                      subject_name=subject["name"] if subject else None,
                      guardian_relation=guardian_relation if subject else None,
                      recorded_by=actor_id if paper_reference else None,
                      paper_reference=paper_reference, granted_at=utcnow())
    if not insert_unique(consent):  # the same grant raced us: the other one counts
        consent = _active(actor_id, purpose, data_kind, hashed)
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


def _active_kinds(user_id: int, purpose: str, kinds: list[str], subject: str) -> set[str]:
    """Which of `kinds` the user holds a counting consent for (one statement)."""
    version = current_policy(purpose).version
    with db.session.no_autoflush:
        return set(db.session.scalars(select(Consent.data_kind).where(
            Consent.user_id == user_id, Consent.purpose == purpose,
            Consent.data_kind.in_(kinds), Consent.policy_version == version,
            Consent.subject_id_hash == subject, Consent.withdrawn_at.is_(None))))


def missing_consents(purpose: str, kinds: list[str], **details) -> Forbidden:
    """403 consent_required naming every missing kind at once (with its label), so one consent
    screen (and one POST /me/consents) covers them all."""
    labels = [code_label(DATA_KIND_LABELS, kind) for kind in kinds]
    named = {"kinds": Codes(DATA_KIND_LABELS, kinds), "purpose": Code(PURPOSE_LABELS, purpose)}
    return Forbidden(
        "Consent to process %(kinds)s for %(purpose)s is needed first; agree to each of them "
        "(one request may give them all).",
        params=named,
        code="consent_required",
        details={"purpose": purpose, "purpose_label": code_label(PURPOSE_LABELS, purpose),
                 "data_kind": kinds[0],
                 "missing": [{"data_kind": kind, "label": label}
                             for kind, label in zip(kinds, labels, strict=True)],
                 "policy_version": current_policy(purpose).version, **details})


def require_consents(user_id: int, purpose: str, data_kinds: list[str], *,
                     subject_id_number: str | None = None) -> None:
    """403 consent_required unless `user_id` holds a current consent for each kind."""
    held = _active_kinds(user_id, purpose, data_kinds, subject_hash(subject_id_number))
    missing = [kind for kind in data_kinds if kind not in held]
    if missing:
        raise missing_consents(purpose, missing, subject_required=subject_id_number is not None)


def require_consent(user_id: int, purpose: str, data_kind: str, *,
                    subject_id_number: str | None = None) -> None:
    """403 consent_required unless `user_id` holds a current consent for this processing."""
    require_consents(user_id, purpose, [data_kind], subject_id_number=subject_id_number)


def age_today(id_number: str) -> int | None:
    return idcard.age_on(id_number, utcnow().astimezone(SHANGHAI).date())


def require_aid_consents(*, actor_id: int, beneficiary_id_number: str, on_behalf: bool,
                         with_documents: bool) -> None:
    """Consents an aid application needs before its sensitive data is stored; a refusal
    names every one still missing, the guardian's consent for a child included."""
    subject = beneficiary_id_number if on_behalf else None
    kinds = ["id_number", "bank_account"] + (["certificate"] if with_documents else [])
    held = _active_kinds(actor_id, "aid", kinds, subject_hash(subject))
    missing = [kind for kind in kinds if kind not in held]
    age = age_today(beneficiary_id_number)
    minor = age is not None and age < MINOR_AGE
    guardian_missing = minor and _active(
        actor_id, "aid", "minor_guardian", subject_hash(beneficiary_id_number)) is None
    if missing:
        extra = {"beneficiary_age": age} if guardian_missing else {}
        raise missing_consents("aid", missing + (["minor_guardian"] if guardian_missing else []),
                               subject_required=on_behalf, **extra)
    if guardian_missing:
        raise Forbidden(
            "The beneficiary is under 14: the guardian's consent for this child is needed.",
            code="guardian_consent_required",
            details={"purpose": "aid", "purpose_label": PURPOSE_LABELS["aid"],
                     "data_kind": "minor_guardian",
                     "missing": [{"data_kind": "minor_guardian",
                                  "label": DATA_KIND_LABELS["minor_guardian"]}],
                     "policy_version": current_policy("aid").version, "beneficiary_age": age})
