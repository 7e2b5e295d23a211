"""Request and response shapes of membership applications and reports."""

from marshmallow import Schema, fields, validate

from app.core.crypto import mask_id_number, mask_phone
from app.core.fields import (
    Label,
    Masked,
    calendar_month,
    id_number_field,
    text,
    version_field,
)
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.members.memberships import REVEALABLE
from app.members.models import INDUSTRIES, STATUS_LABELS, STATUSES


class MembershipCreate(StrictSchema):
    org_id = id_field(required=True)
    real_name = text(50, required=True)
    id_number = id_number_field(required=True)
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^1[0-9]{10}$"))
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


class MonthlyReport(Schema):
    month = fields.String(required=True)
    org = fields.Nested(OrgRef, required=True)
    total = fields.Integer(required=True)
    by_industry = fields.List(fields.Nested(IndustryCount), required=True)
    by_org = fields.List(fields.Nested(OrgCount), required=True)
