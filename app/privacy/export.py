"""A person's own data (PIPL Art. 45): everything held about the caller, as JSON.

The caller's own values are shown whole (it is their data). Anything about other people —
beneficiaries who are family members, people an officer entered applications for — stays
masked. Every domain exports its own tables through `app/core/personal_data.py` (registered
from its `hooks.py`); privacy adds its own: the consents and the latest deletion request.
A new table holding personal data gets its section in its domain's `personal_data.py`.
"""

from __future__ import annotations

from typing import Any

from app.core.personal_data import export_sections, mask_name, row
from app.privacy.consent import ConsentState, list_mine
from app.privacy.deletion import latest_request


def exported_consent(state: ConsentState) -> dict[str, Any]:
    consent = state.consent
    return {**row(consent, ("id", "purpose", "data_kind", "policy_version", "guardian_relation",
                            "paper_reference", "granted_at", "withdrawn_at")),
            "subject_name": mask_name(consent.subject_name), "counts": state.counts}


def export_for(*, user_id: int) -> dict[str, Any]:
    """Everything held about one user, grouped by domain."""
    request = latest_request(user_id)
    return {
        **export_sections(user_id),
        "consents": [exported_consent(state) for state in list_mine(actor_id=user_id)],
        "deletion_request": None if request is None else row(request, (
            "id", "status", "reasons", "requested_at", "erase_at", "erased_at")),
    }
