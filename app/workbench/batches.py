"""Batch decisions from the workbench: each item in its own transaction with the rules of
its single endpoint (the handler its domain registered); never all-or-nothing. Each result's
message is in the request's language (the one an error envelope would show)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.core.i18n import N_, translate
from app.core.labels import TODO_KINDS, Code
from app.core.todos import BATCH_HANDLERS, KINDS
from app.errors import AppError
from app.extensions import db

log = logging.getLogger("gonghui.workbench")


@dataclass
class BatchResult:
    kind: str
    id: int
    status: int
    code: str
    message: str
    version: int | None = None  # the item's new version when decided


def batch_decide(*, user_id: int, items: list[dict], action: str,
                 comment: str | None) -> list[BatchResult]:
    results = []
    for item in items:
        kind, object_id, version = item["kind"], item["id"], item["version"]
        handler = BATCH_HANDLERS.get(kind)
        if kind not in KINDS:
            results.append(BatchResult(
                kind, object_id, 422, "unknown_kind",
                translate(N_("There is no to-do kind %(kind)s; use one of %(kinds)s."),
                          {"kind": repr(kind), "kinds": ", ".join(sorted(KINDS))})))
            continue
        if handler is None:
            results.append(BatchResult(
                kind, object_id, 422, "batch_not_allowed",
                translate(N_("%(kind)s items are decided one by one; open each one to decide it."),
                          {"kind": Code(TODO_KINDS, kind)})))
            continue
        try:
            decided = handler(actor_id=user_id, object_id=object_id, version=version,
                              action=action, comment=comment)
            results.append(BatchResult(kind, object_id, 200, "done", translate(N_("Done.")),
                                       version=decided.version))
        except AppError as exc:
            db.session.rollback()
            results.append(BatchResult(kind, object_id, exc.status, exc.code,
                                       translate(exc.msgid, exc.params)))
        except Exception:  # one broken item must not sink the batch
            db.session.rollback()
            log.exception("batch item failed", extra={"fields": {"kind": kind, "id": object_id}})
            results.append(BatchResult(
                kind, object_id, 500, "internal_error",
                translate(N_("This item failed on our side; try it alone."))))
    return results
