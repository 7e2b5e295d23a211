"""Request and response shapes of notices and objections."""

from marshmallow import Schema, fields, validate

from app.core.fields import Label, text, version_field
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.notices.models import OBJECTION_STATUSES, PHASES, SUBJECT_KINDS


class NoticeOut(Schema):
    id = fields.Integer(required=True)
    subject_kind = fields.String(required=True, validate=validate.OneOf(list(SUBJECT_KINDS)))
    subject_kind_label = Label(SUBJECT_KINDS, source="subject_kind")
    subject_id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    title = fields.String(required=True)
    masked_name = fields.String(required=True, metadata={"description": "e.g. 韦**"})
    place = fields.String(required=True, metadata={"description": "the workplace or community"})
    category = fields.String(required=True, metadata={
        "description": "the file's level, or the aid's category"})
    amount_fen = fields.Integer(allow_none=True)
    working_days = fields.Integer(required=True)
    starts_on = fields.Date(required=True, metadata={"description": "published on (not counted)"})
    ends_on = fields.Date(required=True, metadata={"description": "the last working day"})
    phase = fields.String(required=True, validate=validate.OneOf(list(PHASES)))
    phase_label = Label(PHASES, source="phase")
    open_objections = fields.Integer(required=True)
    paused_on = fields.Date(allow_none=True, metadata={
        "description": "the clock stopped on this day (an objection is open); null: running"})
    paused_working_days = fields.Integer(required=True, metadata={
        "description": "working days dismissed objections added: `ends_on` moved by these"})
    created_at = ShanghaiDateTime(required=True)


class NoticeBrief(Schema):
    """The notice a hardship file (or an application) is in, on its own page."""

    id = fields.Integer(required=True)
    working_days = fields.Integer(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={
        "description": "the last working day, moved on by dismissed objections' pauses"})
    phase = fields.String(required=True, validate=validate.OneOf(list(PHASES)))
    phase_label = Label(PHASES, source="phase")
    open_objections = fields.Integer(required=True)
    paused_on = fields.Date(allow_none=True)
    paused_working_days = fields.Integer(required=True)


NoticePage = page_schema(NoticeOut, "NoticePage")


class NoticeQuery(ListQuerySchema):
    org_id = id_field(required=True, metadata={
        "description": "the publishing org; its subtree's notices are listed too"})


class ObjectionIn(StrictSchema):
    reason = text(500, min_length=5, required=True)


class ObjectionDecisionIn(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(["uphold", "dismiss"]))
    comment = text(500, required=True)
    version = version_field()


class ObjectionOut(Schema):
    id = fields.Integer(required=True)
    notice = fields.Nested(NoticeOut, required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(OBJECTION_STATUSES)))
    status_label = Label(OBJECTION_STATUSES, source="status")
    resolution = fields.String(allow_none=True)
    resolved_at = ShanghaiDateTime(allow_none=True)
    version = fields.Integer(required=True)
    created_at = ShanghaiDateTime(required=True)


ObjectionPage = page_schema(ObjectionOut, "ObjectionPage")
