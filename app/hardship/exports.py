"""The XLSX roster of filed households (formula-safe through core.xlsx)."""

from __future__ import annotations

from sqlalchemy import select

from app.core import audit
from app.core.crypto import mask_id_number
from app.core.i18n import N_
from app.core.labels import code_label, text, texts
from app.core.roles import DECIDERS
from app.extensions import db
from app.hardship.models import CAUSES, LEVELS, STATUSES, HardshipFile
from app.orgs.models import Org
from app.orgs.scope import get_org, in_subtree


def roster(*, actor_id: int, org_id: int, reason: str) -> dict[str, list[list]]:
    """Filed households (and those in an exit notice) under the org, with whole bank account
    numbers: the read is audited with its reason."""
    org = get_org(actor_id, org_id, roles=DECIDERS)
    rows = list(db.session.scalars(
        select(HardshipFile).join(Org, Org.id == HardshipFile.org_id)
        .where(in_subtree(Org.path, org.path),
               HardshipFile.status.in_(("filed", "exit_notice")))
        .order_by(HardshipFile.id)))
    audit.record(actor_id=actor_id, actor_role="approver", org_id=org.id, action="pii.roster",
                 target_type="hardship_files", target_id=org.id, field="bank_account",
                 reason=reason, after={"rows": len(rows)})
    db.session.commit()
    header = texts(N_("No."), N_("File no."), N_("Union"), N_("Head of household"),
                   N_("ID card number"), N_("Household size"), N_("Level"), N_("Main cause"),
                   N_("Monthly income per person (yuan)"), N_("Account holder"), N_("Bank"),
                   N_("Account number"), N_("Status"), N_("Review due"))
    lines = [[n, f.id, f.org.name, f.head_name, mask_id_number(f.head_id_number),
              f.household_size, code_label(LEVELS, f.level), code_label(CAUSES, f.main_cause),
              f.monthly_per_person_fen / 100, f.bank_holder, f.bank_name, f.bank_account,
              code_label(STATUSES, f.status),
              f.review_due_on.isoformat() if f.review_due_on else ""]
             for n, f in enumerate(rows, start=1)]
    return {text(N_("Hardship files")): [header, *lines]}
