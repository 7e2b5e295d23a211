"""Files attached to a hardship file: the applicant's evidence and the home visit's photos,
signed application and consent to a household finance check (the visiting officer's own
uploads). Somebody else's upload is refused."""

from __future__ import annotations

from app.errors import FieldMessage, Invalid
from app.files.service import owned_files
from app.hardship.models import HardshipDocument, HardshipFile, HardshipVisit


def _own(actor_id: int, field: str, file_ids: list[int]) -> dict:
    mine = owned_files(actor_id=actor_id, file_ids=file_ids)
    unknown = sorted(set(file_ids) - set(mine))
    if unknown:
        message = "Unknown files (upload them first): %(files)s."
        raise Invalid(message, params={"files": unknown}, details={"fields": {field: [
            FieldMessage(message, {"files": unknown})]}})
    return mine


def set_evidence(actor_id: int, hardship_file: HardshipFile, file_ids: list[int]) -> None:
    """The evidence documents become exactly `file_ids` (visit documents stay)."""
    mine = _own(actor_id, "evidence_file_ids", file_ids)
    kept = [d for d in hardship_file.documents if d.kind != "evidence"]
    current = {d.file_id: d for d in hardship_file.documents if d.kind == "evidence"}
    taken = {d.file_id for d in kept}
    for file_id in sorted(set(file_ids) - taken):
        kept.append(current.get(file_id) or HardshipDocument(file_id=file_id, file=mine[file_id],
                                                             kind="evidence"))
    hardship_file.documents = kept


def attach_visit_documents(actor_id: int, hardship_file: HardshipFile, visit: HardshipVisit, *,
                           photos: list[int], signed_application: int,
                           finance_consent: int) -> None:
    wanted = [(file_id, "visit_photo") for file_id in photos] + [
        (signed_application, "signed_application"), (finance_consent, "finance_consent")]
    ids = [file_id for file_id, _ in wanted]
    if len(set(ids)) != len(ids):
        raise Invalid("Each document of the visit is its own upload.", details={"fields": {
            "photo_file_ids": [FieldMessage("Each document of the visit is its own upload.")]}})
    mine = _own(actor_id, "photo_file_ids", ids)
    attached = {d.file_id for d in hardship_file.documents}
    for file_id, kind in wanted:
        if file_id in attached:
            raise Invalid("This upload is attached to the file already.", details={"fields": {
                "photo_file_ids": [FieldMessage("This upload is attached to the file already.")]}})
        hardship_file.documents.append(HardshipDocument(file_id=file_id, file=mine[file_id],
                                                        kind=kind, visit_id=visit.id))
