"""Request and response shapes of relief allocations and payouts."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.core import idcard
from app.core.contract import domain_rule
from app.core.fields import ID_NUMBER_PATTERN, Label, day, fen_field, text, version_field
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.relief.models import METHODS, RECIPIENT_KINDS, STATUSES

# [0-9], not \d: full-width and other Unicode digits are no account number
BANK_ACCOUNT = "^[0-9]{12,30}$"


def _id_number(value: str) -> None:
    problem = idcard.problem_with(value)
    if problem:
        raise ValidationError(problem)


class AllocationCreate(StrictSchema):
    from_org_id = id_field(required=True)
    to_org_id = id_field(required=True, metadata=domain_rule("an org that exists, not "
                                                             "from_org_id itself"))
    amount_fen = fen_field(minimum=1, required=True)
    purpose = text(200, required=True)
    meeting_name = text(100, required=True, metadata={"example": "2023年第15次主席办公会"})
    meeting_date = day(required=True)
    minute_reference = text(100, required=True)
    decision_file_id = id_field(load_default=None, allow_none=True,
                                metadata=domain_rule("a file the caller may read"))


class TransferIn(StrictSchema):
    version = version_field()
    voucher_reference = text(100, required=True)
    voucher_file_id = id_field(load_default=None, allow_none=True)


class ReliefVersionIn(StrictSchema):
    version = version_field()


class AllocationQuery(ListQuerySchema):
    direction = fields.String(load_default=None, validate=validate.OneOf(["given", "received"]))


class AllocationOut(Schema):
    id = fields.Integer(required=True)
    from_org = fields.Nested(OrgRef, required=True)
    to_org = fields.Nested(OrgRef, required=True)
    amount_fen = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)
    left_fen = fields.Integer(required=True)
    paid_count = fields.Integer(required=True)
    purpose = fields.String(required=True)
    meeting_name = fields.String(required=True)
    meeting_date = fields.Date(required=True)
    minute_reference = fields.String(required=True)
    decision_file_id = fields.Integer(allow_none=True)
    voucher_reference = fields.String(allow_none=True)
    voucher_file_id = fields.Integer(allow_none=True)
    status = fields.String(required=True)
    status_label = Label(STATUSES, source="status")
    version = fields.Integer(required=True)
    created_at = ShanghaiDateTime(required=True)
    transferred_at = ShanghaiDateTime(allow_none=True)
    received_at = ShanghaiDateTime(allow_none=True)
    closed_at = ShanghaiDateTime(allow_none=True)


AllocationPage = page_schema(AllocationOut, "ReliefAllocationPage")


class PayeeIn(StrictSchema):
    class Meta(StrictSchema.Meta):
        # a bank payout names the account, a cash payout the signed receipt
        openapi_rules = {"oneOf": [
            {"properties": {"method": {"type": "string", "enum": ["bank"]},
                            "bank_account": {"type": "string", "pattern": BANK_ACCOUNT}},
             "required": ["method", "bank_account"]},
            {"properties": {"method": {"type": "string", "enum": ["cash"]},
                            "signature_file_id": {"type": "integer", "minimum": 1}},
             "required": ["method", "signature_file_id"]},
        ]}

    name = text(50, required=True)
    id_number = fields.String(required=True, validate=[validate.Length(equal=18), _id_number],
                              metadata=domain_rule(
                                  "GB 11643 check digit, a birth date from 1900 to today and a "
                                  "GB/T 2260 region code", pattern=ID_NUMBER_PATTERN))
    recipient_kind = fields.String(required=True, validate=validate.OneOf(list(RECIPIENT_KINDS)))
    amount_fen = fen_field(minimum=1, required=True)
    reason = text(500, required=True)
    method = fields.String(required=True, validate=validate.OneOf(list(METHODS)))
    bank_name = text(100, load_default=None, allow_none=True)
    bank_account = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Regexp(BANK_ACCOUNT))
    signature_file_id = id_field(load_default=None, allow_none=True,
                                 metadata=domain_rule("a file the caller may read"))

    @validates_schema(skip_on_field_errors=False)
    def method_needs(self, data, **kwargs):
        if data.get("method") == "bank" and not data.get("bank_account"):
            raise ValidationError("a bank payout needs the account", "bank_account")
        if data.get("method") == "cash" and not data.get("signature_file_id"):
            raise ValidationError("a cash payout needs the signature file", "signature_file_id")


class PayoutBatchIn(StrictSchema):
    batch_name = text(100, required=True)
    people = fields.List(fields.Nested(PayeeIn), required=True,
                         validate=validate.Length(min=1, max=500),
                         metadata=domain_rule("each person once, none already paid from "
                                              "this allocation; their signature files ones "
                                              "the caller may read"))


class PayoutBatchOut(Schema):
    allocation = fields.Nested(AllocationOut, required=True)
    count = fields.Function(lambda batch: len(batch.payouts), required=True)
    total_fen = fields.Integer(required=True)


class RosterLineOut(Schema):
    name = fields.String(required=True)
    id_number = fields.String(required=True)
    recipient_kind = fields.String(required=True)
    recipient_kind_label = Label(RECIPIENT_KINDS, source="recipient_kind")
    amount_fen = fields.Integer(required=True)
    method = fields.String(required=True)
    method_label = Label(METHODS, source="method")
    bank_account = fields.String(allow_none=True)
    batch_name = fields.String(required=True)


class ReliefReportOut(Schema):
    allocation = fields.Nested(AllocationOut, required=True)
    people = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)
    left_fen = fields.Integer(required=True)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    roster = fields.List(fields.Nested(RosterLineOut), required=True)
