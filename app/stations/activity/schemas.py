"""Request and response shapes of check-ins, visits and feedback."""

from marshmallow import Schema, fields, validate

from app.cards.schemas import presented_token
from app.core.fields import Label, version_field
from app.core.fields import text as text_field
from app.core.http import ShanghaiDateTime, StrictSchema
from app.core.pagination import page_schema
from app.stations.vocab import FEEDBACK_STATUS_LABELS


class CheckinCreate(StrictSchema):
    scene = fields.String(required=True, validate=validate.Length(1, 64), metadata={
        "description": "the `scene` of the station's mini-program code as the check-in page "
                       "received it (`s=<code>&k=<key>`, URL-encoded or decoded); the key is "
                       "printed on the sign only", "example": "s=ZH7K2M9Q&k=3f9a0c1b2d"})


class CheckinOut(Schema):
    counted = fields.Boolean(required=True, metadata={
        "description": "false when this user was already counted here in the last 10 minutes"})
    visits_today = fields.Integer(required=True)


class CardCheckinCreate(StrictSchema):
    token = presented_token()


class CardCheckinOut(CheckinOut):
    number = fields.String(required=True, metadata={"description": "the card checked in"})
    masked_name = fields.String(required=True)


class VisitsQuery(StrictSchema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")


class VisitDayOut(Schema):
    day = fields.Date(required=True)
    visits = fields.Integer(required=True)


class VisitList(Schema):
    items = fields.List(fields.Nested(VisitDayOut), required=True)


class FeedbackCreate(StrictSchema):
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    text = text_field(500, min_length=None, load_default=None)


class FeedbackOut(Schema):
    id = fields.Integer(required=True)
    station_id = fields.Integer(required=True)
    rating = fields.Integer(required=True)
    text = fields.String(allow_none=True)
    status = fields.String(required=True)
    status_label = Label(FEEDBACK_STATUS_LABELS, source="status")
    version = fields.Integer(required=True)
    answer = fields.String(allow_none=True)
    answered_at = ShanghaiDateTime(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


FeedbackPage = page_schema(FeedbackOut, "FeedbackPage")


class FeedbackReview(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    version = version_field()


class FeedbackAnswer(StrictSchema):
    answer = text_field(500, required=True)
    version = version_field()
