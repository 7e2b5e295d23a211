"""The funds statement."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.core.fields import Label
from app.core.http import OrgRef, StrictSchema
from app.core.i18n import N_
from app.ledger.models import PURPOSE_LABELS


class FundsQuery(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class PurposeLineOut(Schema):
    purpose = fields.String(required=True)
    purpose_label = Label({**PURPOSE_LABELS, "all": N_("Total")}, source="purpose")
    received_fen = fields.Integer(required=True)
    granted_fen = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)
    reserved_fen = fields.Integer(required=True)


class StatementOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    year = fields.Integer(required=True)
    lines = fields.List(fields.Nested(PurposeLineOut), required=True)
    totals = fields.Nested(PurposeLineOut, required=True)
