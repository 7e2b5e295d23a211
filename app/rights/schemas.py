"""Request and response shapes of rights cases, deadlines and statistics."""

from marshmallow import Schema, fields, validate

from app.core.crypto import mask_phone
from app.core.fields import Label, Masked, day, fen_field, mobile_field, text, version_field
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.rights.models import (
    ACTION_LABELS,
    CATEGORIES,
    CONTACT_METHODS,
    STATUS_LABELS,
    STATUSES,
    STEP_KINDS,
)


class RightsCaseCreate(StrictSchema):
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    what_happened = text(4000, min_length=5, required=True)
    what_wanted = text(1000, min_length=2, required=True)
    employer = text(100, required=True, metadata={"description": "employer or platform"})
    contact_method = fields.String(required=True, validate=validate.OneOf(list(CONTACT_METHODS)))
    contact_phone = mobile_field(load_default=None, allow_none=True)
    amount_claimed_fen = fen_field(load_default=None, allow_none=True,
                                   metadata={"description": "wages owed, in fen"})
    documents = fields.List(id_field(), load_default=list, validate=validate.Length(max=10),
                            metadata={"description": "the caller's own uploaded files"})


class RightsDocument(Schema):
    file_id = fields.Integer(required=True)
    original_name = fields.String(required=True, attribute="file.original_name")
    content_type = fields.String(required=True, attribute="file.content_type")


class RightsEvent(Schema):
    action = fields.String(required=True)
    action_label = Label(ACTION_LABELS, source="action")
    kind = fields.String(allow_none=True)
    kind_label = Label(STEP_KINDS, source="kind", required=False, allow_none=True)
    from_status = fields.String(allow_none=True)
    from_status_label = Label(STATUS_LABELS, source="from_status", required=False,
                              allow_none=True)
    to_status = fields.String(required=True)
    to_status_label = Label(STATUS_LABELS, source="to_status")
    note = fields.String(allow_none=True)
    called_on = fields.Date(allow_none=True)
    caller_name = fields.String(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


class RightsCaseOut(Schema):
    """A case in a list: no details of what happened."""

    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    category = fields.String(required=True)
    category_label = Label(CATEGORIES, source="category")
    employer = fields.String(required=True)
    status = fields.String(required=True)
    status_label = Label(STATUS_LABELS, source="status")
    version = fields.Integer(required=True)
    accept_due = fields.Date(required=True, metadata={
        "description": "accept by the end of this day (Asia/Shanghai, working days)"})
    resolve_due = fields.Date(required=True)
    overdue = fields.Boolean(required=True)
    escalated = fields.Boolean(required=True)
    escalated_to_org = fields.Nested(OrgRef, allow_none=True)
    assigned_to = fields.Integer(allow_none=True)
    amount_claimed_fen = fields.Integer(allow_none=True)
    amount_recovered_fen = fields.Integer(allow_none=True)
    rating = fields.Integer(allow_none=True)
    created_at = ShanghaiDateTime(required=True)
    accepted_at = ShanghaiDateTime(allow_none=True)
    resolved_at = ShanghaiDateTime(allow_none=True)
    closed_at = ShanghaiDateTime(allow_none=True)


class RightsCaseDetail(RightsCaseOut):
    what_happened = fields.String(required=True)
    what_wanted = fields.String(required=True)
    contact_method = fields.String(required=True)
    contact_method_label = Label(CONTACT_METHODS, source="contact_method")
    contact_phone = Masked(mask_phone, allow_none=True, metadata={"description": "masked"})
    outcome = fields.String(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    followed_up_at = ShanghaiDateTime(allow_none=True)
    documents = fields.List(fields.Nested(RightsDocument), required=True)
    history = fields.List(fields.Nested(RightsEvent), required=True, attribute="events")


RightsCasePage = page_schema(RightsCaseOut, "RightsCasePage")


class RightsCaseQuery(ListQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    category = fields.String(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    overdue = fields.Boolean(load_default=None, allow_none=True)


class AcceptIn(StrictSchema):
    version = version_field()
    assigned_to = id_field(load_default=None, metadata={
        "description": "another approver over the org (default: the caller)"})


class StepIn(StrictSchema):
    version = version_field()
    kind = fields.String(required=True, validate=validate.OneOf(list(STEP_KINDS)))
    note = text(2000, required=True)


class ResolveIn(StrictSchema):
    version = version_field()
    outcome = text(2000, min_length=2, required=True)
    amount_recovered_fen = fen_field(load_default=None, allow_none=True,
                                     metadata={"description": "wage arrears only"})


class RightsFollowUpIn(StrictSchema):
    version = version_field()
    called_on = day(required=True)
    caller_name = text(50, required=True)
    member_said = text(2000, required=True)


class RightsCloseIn(StrictSchema):
    version = version_field()
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = text(500, load_default=None)


class RightsReopenIn(StrictSchema):
    version = version_field()
    reason = text(1000, min_length=2, required=True)


class RightsSettingsIn(StrictSchema):
    accept_days = fields.Integer(required=True, strict=True,
                                 validate=validate.Range(min=1, max=30))
    resolve_days = fields.Integer(required=True, strict=True,
                                  validate=validate.Range(min=1, max=120))


class RightsSettingsOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    accept_days = fields.Integer(required=True)
    resolve_days = fields.Integer(required=True)
    inherited_from = fields.Nested(OrgRef, allow_none=True, metadata={
        "description": "the org whose settings apply (null: the defaults, 1 and 15)"})


class StatsQuery(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class CategoryFigures(Schema):
    category = fields.String(required=True)
    label = fields.String(required=True)
    cases = fields.Integer(required=True)
    accepted = fields.Integer(required=True)
    accepted_on_time = fields.Integer(required=True)
    on_time_acceptance_rate = fields.Float(allow_none=True)
    resolved = fields.Integer(required=True)
    resolved_on_time = fields.Integer(required=True)
    on_time_resolution_rate = fields.Float(allow_none=True)
    rated = fields.Integer(required=True)
    satisfaction = fields.Float(allow_none=True, metadata={"description": "mean rating 1–5"})
    amount_recovered_fen = fields.Integer(required=True)


class RightsStatsOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    year = fields.Integer(required=True)
    by_category = fields.List(fields.Nested(CategoryFigures), required=True)
    total = fields.Nested(CategoryFigures, required=True)
