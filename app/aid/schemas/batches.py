"""Shapes of disbursement batches and the bank roster."""

from marshmallow import Schema, fields, validate

from app.aid.models import BATCH_STATUS_LABELS
from app.core.fields import Label, text
from app.core.http import ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import page_schema


class AidBatchCreate(StrictSchema):
    name = text(100, required=True)
    application_ids = fields.List(id_field(), required=True,
                                  validate=validate.Length(min=1, max=1000))


class AidBatchOut(Schema):
    id = fields.Integer(required=True)
    program_id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    status_label = Label(BATCH_STATUS_LABELS, source="status")
    total_fen = fields.Integer(required=True)
    count = fields.Integer(required=True)
    version = fields.Integer(required=True)
    created_at = ShanghaiDateTime(required=True)
    paid_at = ShanghaiDateTime(allow_none=True)


AidBatchPage = page_schema(AidBatchOut, "AidBatchPage")


class AidRosterQuery(StrictSchema):
    reason = text(500, min_length=2, required=True,
                  metadata={"description": "why bank accounts are read"})
