"""Request and response shapes of membership applications and reports."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.core.crypto import mask_id_number, mask_phone
from app.core.fields import (
    Label,
    Masked,
    calendar_month,
    id_number_field,
    mobile_field,
    text,
    version_field,
)
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.i18n import N_
from app.core.pagination import ListQuerySchema, page_schema
from app.members.memberships import REVEALABLE
from app.members.models import (
    CORRECTION_FIELDS,
    CORRECTION_STATUS_LABELS,
    INDUSTRIES,
    STATUS_LABELS,
    STATUSES,
    TRANSFER_STATUS_LABELS,
    TRANSFER_STATUSES,
)


class MembershipCreate(StrictSchema):
    org_id = id_field(required=True)
    real_name = text(50, required=True)
    id_number = id_number_field(required=True)
    phone = mobile_field(load_default=None)
    employer = text(100, required=True, metadata={"description": "employer or platform"})
    occupation = text(50, required=True)
    industry = fields.String(required=True, validate=validate.OneOf(list(INDUSTRIES)))


class MembershipOut(Schema):
    """A membership as the API shows it: personal numbers masked (reveal shows one whole)."""

    id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    real_name = fields.String(required=True)
    id_number = Masked(mask_id_number, required=True, metadata={"description": "masked"})
    phone = Masked(mask_phone, allow_none=True, metadata={"description": "masked"})
    employer = fields.String(required=True)
    occupation = fields.String(required=True)
    industry = fields.String(required=True)
    industry_label = Label(INDUSTRIES, source="industry")
    status = fields.String(required=True)
    status_label = Label(STATUS_LABELS, source="status")
    version = fields.Integer(required=True)
    reason = fields.String(allow_none=True)
    created_at = ShanghaiDateTime(required=True)
    decided_at = ShanghaiDateTime(allow_none=True)


MembershipPage = page_schema(MembershipOut, "MembershipPage")


class MembershipQuery(ListQuerySchema):
    status = fields.String(load_default="pending", validate=validate.OneOf(STATUSES))
    org_id = id_field(load_default=None)


class Decision(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(load_default=None, validate=validate.Length(max=500))
    version = version_field()


class Withdrawal(StrictSchema):
    version = version_field()


class RevealRequest(StrictSchema):
    field = fields.String(required=True, validate=validate.OneOf(list(REVEALABLE)))
    reason = text(500, min_length=2, required=True)


class RevealOut(Schema):
    field = fields.String(required=True)
    value = fields.String(allow_none=True)


class ReportQuery(StrictSchema):
    month = calendar_month(required=True)


class IndustryCount(Schema):
    industry = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class OrgCount(Schema):
    org_id = fields.Integer(required=True, attribute="org.id")
    org_name = fields.String(required=True, attribute="org.name")
    count = fields.Integer(required=True)
    transfers_in = fields.Integer(required=True)
    transfers_out = fields.Integer(required=True)


class MonthlyReport(Schema):
    month = fields.String(required=True)
    org = fields.Nested(OrgRef, required=True)
    total = fields.Integer(required=True)
    transfers_in = fields.Integer(required=True)
    transfers_out = fields.Integer(required=True)
    by_industry = fields.List(fields.Nested(IndustryCount), required=True)
    by_org = fields.List(fields.Nested(OrgCount), required=True)


class TransferCreate(StrictSchema):
    to_org_id = id_field(required=True)
    reason = text(500, min_length=2, required=True,
                  metadata={"description": "why: a new employer, a move …"})


class TransferOut(Schema):
    id = fields.Integer(required=True)
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    real_name = fields.String(required=True, attribute="membership.real_name")
    from_org = fields.Nested(OrgRef, required=True)
    to_org = fields.Nested(OrgRef, required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(TRANSFER_STATUSES))
    status_label = Label(TRANSFER_STATUS_LABELS, source="status")
    version = fields.Integer(required=True)
    decision_reason = fields.String(allow_none=True)
    created_at = ShanghaiDateTime(required=True)
    decided_at = ShanghaiDateTime(allow_none=True)


TransferPage = page_schema(TransferOut, "TransferPage")


class TransferQuery(ListQuerySchema):
    status = fields.String(load_default="pending", validate=validate.OneOf(TRANSFER_STATUSES))


class Period(Schema):
    org = fields.Nested(OrgRef, required=True)
    since = ShanghaiDateTime(allow_none=True)
    until = ShanghaiDateTime(allow_none=True)


class MembershipHistory(Schema):
    membership_id = fields.Integer(required=True)
    periods = fields.List(fields.Nested(Period), required=True)


class MyDetailsUpdate(StrictSchema):
    """What a member corrects themselves; a name or ID number goes through an officer."""

    class Meta(StrictSchema.Meta):
        # something_to_change: at least one of the three beside the version
        openapi_rules = {"anyOf": [{"required": ["employer"]}, {"required": ["occupation"]},
                                   {"required": ["phone"]}]}

    employer = text(100)
    occupation = text(50)
    phone = mobile_field()
    version = version_field()

    @validates_schema(skip_on_field_errors=False)
    def something_to_change(self, data, **kwargs):
        if not data.keys() - {"version"}:
            raise ValidationError(N_("change the employer, the occupation or the phone"),
                                  field_name="employer")


class CorrectionCreate(StrictSchema):
    field = fields.String(required=True, validate=validate.OneOf(list(CORRECTION_FIELDS)))
    value = text(50, required=True, metadata={"description": "the corrected name or ID number"})
    document_file_id = id_field(required=True, metadata={
        "description": "the caller's own upload showing the correct value (ID card …)"})


class CorrectionOut(Schema):
    id = fields.Integer(required=True)
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    field = fields.String(required=True)
    field_label = Label(CORRECTION_FIELDS, source="field")
    new_value = fields.Method("_shown", required=True, metadata={
        "description": "an ID number masked"})
    document_file_id = fields.Integer(allow_none=True)
    document_name = fields.String(allow_none=True, attribute="document.original_name", metadata={
        "description": "the uploaded document's file name (label only)"})
    status = fields.String(required=True)
    status_label = Label(CORRECTION_STATUS_LABELS, source="status")
    version = fields.Integer(required=True)
    decision_reason = fields.String(allow_none=True)
    created_at = ShanghaiDateTime(required=True)
    decided_at = ShanghaiDateTime(allow_none=True)

    def _shown(self, correction) -> str:
        value = correction.new_value
        return mask_id_number(value) if correction.field == "id_number" else value
