"""Request and response shapes of events, sign-ups, training requests, works and stats."""

from datetime import datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.core.contract import domain_rule
from app.core.fields import Label, ListParam, day, lat_field, lng_field, text, version_field
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.i18n import N_
from app.core.pagination import ListQuerySchema, cursor_field, page_schema
from app.core.time import SHANGHAI
from app.events.models import (
    ATTENDANCE_SOURCES,
    AUDIENCES,
    FORMS,
    KINDS,
    PLACE_TYPES,
    REQUEST_STATUSES,
    SIGNUP_STATUSES,
    STATUSES,
    WORK_CATEGORIES,
    WORK_STATUSES,
)
from app.stations.schemas import COORDS, DerivedNested, Links, LocationIn, LocationOut

MAX_CAPACITY = 100_000
URL = [validate.Length(max=500), validate.URL(schemes={"http", "https"}, require_tld=True)]


WEB_ADDRESS = domain_rule("an http(s) web address with a host name")
VENUE = "required for an event at a venue (form offline)"


def _when(rule: str | None = None, **kwargs) -> fields.AwareDateTime:
    metadata = {"description": "no offset → Asia/Shanghai"}
    return fields.AwareDateTime(default_timezone=SHANGHAI,
                                metadata=domain_rule(rule, **metadata) if rule else metadata,
                                **kwargs)


def _one_of(vocabulary) -> validate.OneOf:
    return validate.OneOf(list(vocabulary))


# ---- events ------------------------------------------------------------------------------

class SpeakerIn(StrictSchema):
    name = text(50, required=True)
    title = text(100, load_default=None, allow_none=True,
                 metadata={"description": "e.g. 全国五一劳动奖章获得者"})


class EventFields(StrictSchema):
    """An event's own fields (the org comes from the URL or the training request)."""

    kind = fields.String(required=True, validate=_one_of(KINDS))
    title = text(100, required=True)
    series = text(50, load_default=None, allow_none=True,
                 metadata={"description": "topic series, e.g. 通用能力"})
    description = text(2000, load_default=None, allow_none=True)
    speakers = fields.List(fields.Nested(SpeakerIn), required=True,
                           validate=validate.Length(min=1, max=10))
    form = fields.String(required=True, validate=_one_of(FORMS))
    place_type = fields.String(load_default=None, allow_none=True,
                               validate=_one_of(PLACE_TYPES),
                               metadata=domain_rule(VENUE, description="机关/企业/学校/社区/乡村"))
    venue_name = text(100, load_default=None, allow_none=True, metadata=domain_rule(VENUE))
    address = text(200, load_default=None, allow_none=True, metadata=domain_rule(VENUE))
    location = fields.Nested(LocationIn, load_default=None, allow_none=True,
                             metadata=domain_rule(VENUE))
    live_url = fields.String(load_default=None, allow_none=True, validate=URL, metadata=domain_rule(
        "an http(s) web address with a host name; an online event needs it or replay_url"))
    replay_url = fields.String(load_default=None, allow_none=True, validate=URL,
                               metadata=WEB_ADDRESS)
    starts_at = _when(required=True)
    ends_at = _when("after starts_at", required=True)
    signup_opens_at = _when(required=True)
    signup_closes_at = _when("after signup_opens_at, not after ends_at", required=True)
    capacity = fields.Integer(strict=True, load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=MAX_CAPACITY),
                              metadata=domain_rule("required for an event at a venue",
                                                   description="seats"))
    audience = fields.String(load_default="everyone", validate=_one_of(AUDIENCES))
    audience_org_ids = fields.List(id_field(), load_default=list,
                                   validate=validate.Length(max=50), metadata=domain_rule(
                                       "orgs under the event's org, only for audience orgs"))

    @validates_schema(skip_on_field_errors=False)
    def times_in_order(self, data, **kwargs):
        problems = {}
        if "starts_at" in data and "ends_at" in data and data["starts_at"] >= data["ends_at"]:
            problems["ends_at"] = [N_("must be after starts_at")]
        opens, closes = data.get("signup_opens_at"), data.get("signup_closes_at")
        if opens and closes and opens >= closes:
            problems["signup_closes_at"] = [N_("must be after signup_opens_at")]
        if closes and "ends_at" in data and closes > data["ends_at"]:
            problems.setdefault("signup_closes_at", []).append(N_("must not be after ends_at"))
        if data.get("form") == "offline" and data.get("capacity") is None:
            problems["capacity"] = [N_("an event at a venue needs a capacity")]
        if problems:
            raise ValidationError(problems)


class EventCreate(EventFields):
    org_id = id_field(required=True)


class VersionIn(StrictSchema):
    version = version_field()


class EventCancelIn(VersionIn):
    reason = text(200, required=True)


class EventFinishIn(VersionIn):
    unregistered_attendance = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=MAX_CAPACITY),
        metadata={"description": "people at the session without the app (headcount)"})


class EventQuery(ListQuerySchema):
    """Filters of the event list; `lat` and `lng` go together."""

    cursor = cursor_field(datetime, int)
    kind = ListParam(fields.String(validate=_one_of(KINDS)), load_default=list)
    series = text(50, load_default=None)
    org_id = id_field(load_default=None)
    date_from = day(load_default=None, data_key="from")
    date_to = day(load_default=None, data_key="to")
    mine = fields.Boolean(load_default=False,
                          metadata={"description": "events of the caller's union and above"})
    lat = lat_field(load_default=None)
    lng = lng_field(load_default=None, metadata=domain_rule("given with lat"))
    coord = fields.String(load_default="gcj02", validate=validate.OneOf(COORDS))
    radius_m = fields.Integer(load_default=5000, validate=validate.Range(min=100, max=50_000),
                              metadata={"description": "with lat and lng: venues near them"})
    managed = fields.Boolean(load_default=False,
                             metadata={"description": "officers: every event under their "
                                                      "grants, any status"})

    @validates_schema(skip_on_field_errors=False)
    def point_whole(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise ValidationError(N_("give both lat and lng"), "lng")


class SpeakerOut(Schema):
    name = fields.String(required=True)
    title = fields.String(allow_none=True)
    sessions = fields.Integer(allow_none=True,
                              metadata={"description": "the speaker's finished sessions"})


class SignupOut(Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    nickname = fields.String(allow_none=True, attribute="user.nickname")
    status = fields.String(required=True)
    status_label = Label(SIGNUP_STATUSES, source="status")
    position = fields.Integer(allow_none=True,
                              metadata={"description": "waitlist place, 1 = next in line"})
    created_at = ShanghaiDateTime(required=True)
    promoted_at = ShanghaiDateTime(allow_none=True)
    attended_at = ShanghaiDateTime(allow_none=True)
    attendance_source = fields.String(allow_none=True)
    attendance_source_label = Label(ATTENDANCE_SOURCES, source="attendance_source",
                                    required=False, allow_none=True)
    attendance_reason = fields.String(allow_none=True)
    rating = fields.Integer(allow_none=True)


SignupPage = page_schema(SignupOut, "EventSignupPage")


def _location_of(event) -> dict | None:
    return None if event.lat is None else {"lat": event.lat, "lng": event.lng,
                                           "coord": "gcj02"}


def _links_of(event):
    from app.events.events import links_of
    return links_of(event)


def _window_of(event) -> dict | None:
    from app.events.signups import checkin_window
    if event.form != "offline":
        return None
    opens, closes = checkin_window(event)
    return {"opens_at": opens, "closes_at": closes}


class CheckinWindow(Schema):
    opens_at = ShanghaiDateTime(required=True)
    closes_at = ShanghaiDateTime(required=True)


class EventOut(Schema):
    id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    code = fields.String(required=True, metadata={"description": "public code (the scene "
                                                                  "also needs the sign key)"})
    kind = fields.String(required=True)
    kind_label = Label(KINDS, source="kind")
    title = fields.String(required=True)
    series = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    speakers = fields.List(fields.Nested(SpeakerOut), required=True)
    form = fields.String(required=True)
    form_label = Label(FORMS, source="form")
    place_type = fields.String(allow_none=True)
    place_type_label = Label(PLACE_TYPES, source="place_type", required=False, allow_none=True)
    venue_name = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    location = DerivedNested(LocationOut, of=_location_of, allow_none=True)
    links = DerivedNested(Links, of=_links_of, allow_none=True)
    live_url = fields.String(allow_none=True)
    replay_url = fields.String(allow_none=True)
    starts_at = ShanghaiDateTime(required=True)
    ends_at = ShanghaiDateTime(required=True)
    signup_opens_at = ShanghaiDateTime(required=True)
    signup_closes_at = ShanghaiDateTime(required=True)
    checkin_window = DerivedNested(CheckinWindow, of=_window_of, allow_none=True)
    capacity = fields.Integer(allow_none=True)
    seats_taken = fields.Integer(required=True)
    seats_left = fields.Integer(allow_none=True)
    audience = fields.String(required=True)
    audience_label = Label(AUDIENCES, source="audience")
    audience_org_ids = fields.List(fields.Integer(), required=True)
    online_views = fields.Integer(required=True)
    rating_average = fields.Float(allow_none=True, metadata={"description": "1–5"})
    rating_count = fields.Integer(required=True)
    unregistered_attendance = fields.Integer(required=True)
    training_request_id = fields.Integer(allow_none=True)
    status = fields.String(required=True)
    status_label = Label(STATUSES, source="status")
    version = fields.Integer(required=True)
    my_signup = fields.Nested(SignupOut, allow_none=True,
                              metadata={"description": "the caller's live sign-up"})


EventPage = page_schema(EventOut, "EventPage")


class CheckinIn(StrictSchema):
    scene = text(64, required=True, metadata={"description": "the scanned code's scene"})


class AttendanceIn(StrictSchema):
    signup_id = id_field(required=True)
    reason = text(200, required=True, metadata={"description": "e.g. 无智能手机"})


class RatingIn(StrictSchema):
    rating = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=5))


class SignupQuery(ListQuerySchema):
    status = ListParam(fields.String(validate=_one_of(SIGNUP_STATUSES)), load_default=list)


class ViewOut(Schema):
    counted = fields.Boolean(required=True, metadata={"description": "false: already counted "
                                                                     "for you today"})
    views = fields.Integer(required=True)


# ---- training requests ------------------------------------------------------------------

class TrainingRequestCreate(StrictSchema):
    org_id = id_field(required=True, metadata={"description": "the requesting union"})
    topic = text(100, required=True)
    series = text(50, load_default=None, allow_none=True)
    expected_participants = fields.Integer(strict=True, required=True,
                                           validate=validate.Range(min=1, max=MAX_CAPACITY))
    preferred_dates = fields.List(day(), required=True, validate=validate.Length(min=1, max=5))
    place = text(200, required=True)
    note = text(500, load_default=None, allow_none=True)


class TrainingDecisionIn(VersionIn):
    action = fields.String(required=True, validate=validate.OneOf(["schedule", "decline"]))
    reason = text(500, load_default=None, allow_none=True,
                  metadata=domain_rule("required to decline"))
    event = fields.Nested(EventFields, load_default=None, allow_none=True,
                          metadata=domain_rule("required to schedule; its own rules apply",
                                               description="schedule: the event to create"))

    @validates_schema(skip_on_field_errors=False)
    def what_the_action_needs(self, data, **kwargs):
        if data.get("action") == "schedule" and not data.get("event"):
            raise ValidationError(N_("scheduling needs the event"), "event")
        if data.get("action") == "decline" and not data.get("reason"):
            raise ValidationError(N_("a decline needs a reason"), "reason")


class TrainingRequestOut(Schema):
    id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    decider_org = fields.Nested(OrgRef, required=True)
    requester_id = fields.Integer(allow_none=True)
    topic = fields.String(required=True)
    series = fields.String(allow_none=True)
    expected_participants = fields.Integer(required=True)
    preferred_dates = fields.List(fields.String(), required=True)
    place = fields.String(required=True)
    note = fields.String(allow_none=True)
    status = fields.String(required=True)
    status_label = Label(REQUEST_STATUSES, source="status")
    decision_reason = fields.String(allow_none=True)
    decided_at = ShanghaiDateTime(allow_none=True)
    event_id = fields.Integer(allow_none=True, attribute="event.id")
    created_at = ShanghaiDateTime(required=True)
    version = fields.Integer(required=True)


TrainingRequestPage = page_schema(TrainingRequestOut, "TrainingRequestPage")


class TrainingMenuQuery(StrictSchema):
    org_id = id_field(required=True, metadata={"description": "the requesting union"})


class TrainingTopic(Schema):
    topic = fields.String(required=True)
    series = fields.String(allow_none=True)


class TrainingMenuOut(Schema):
    decider_org = fields.Nested(OrgRef, required=True)
    items = fields.List(fields.Nested(TrainingTopic), required=True)


class TrainingRequestQuery(ListQuerySchema):
    mine = fields.Boolean(load_default=False)
    status = ListParam(fields.String(validate=_one_of(REQUEST_STATUSES)), load_default=list)


# ---- works ------------------------------------------------------------------------------

class WorkCreate(StrictSchema):
    title = text(100, required=True)
    category = fields.String(required=True, validate=_one_of(WORK_CATEGORIES))
    link = fields.String(required=True, validate=URL,
                         metadata=domain_rule("an http(s) web address with a host name",
                                              description="the video or the text online"))
    author_name = text(50, required=True, metadata={"description": "the name shown"})
    summary = text(1000, load_default=None, allow_none=True)


class WorkResubmitIn(VersionIn):
    title = text(100)
    link = fields.String(validate=URL, metadata=WEB_ADDRESS)
    summary = text(1000, allow_none=True)


class WorkDecisionIn(VersionIn):
    action = fields.String(required=True, validate=validate.OneOf(["publish", "return"]))
    reason = text(500, load_default=None, allow_none=True,
                  metadata=domain_rule("required to return"))

    @validates_schema(skip_on_field_errors=False)
    def return_needs_reason(self, data, **kwargs):
        if data.get("action") == "return" and not data.get("reason"):
            raise ValidationError(N_("a return needs a reason"), "reason")


class WorkOut(Schema):
    id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    author_name = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    category_label = Label(WORK_CATEGORIES, source="category")
    summary = fields.String(allow_none=True)
    link = fields.String(required=True)
    status = fields.String(required=True)
    status_label = Label(WORK_STATUSES, source="status")
    return_reason = fields.String(allow_none=True)
    published_at = ShanghaiDateTime(allow_none=True)
    views = fields.Integer(required=True)
    version = fields.Integer(required=True)


WorkPage = page_schema(WorkOut, "WorkPage")


class WorkQuery(ListQuerySchema):
    cursor = cursor_field(datetime, int)
    category = ListParam(fields.String(validate=_one_of(WORK_CATEGORIES)), load_default=list)
    mine = fields.Boolean(load_default=False)


# ---- statistics -------------------------------------------------------------------------

class StatsQuery(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class StatsBucket(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    sessions = fields.Integer(required=True)
    people_reached = fields.Integer(required=True)


class StatsSpeaker(Schema):
    name = fields.String(required=True)
    title = fields.String(allow_none=True)
    sessions = fields.Integer(required=True)


class EventStatsOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    year = fields.Integer(required=True)
    sessions = fields.Integer(required=True)
    people_reached = fields.Integer(required=True, metadata={"description": "attendance, "
                                                                            "not sign-ups"})
    online_views = fields.Integer(required=True)
    requests_received = fields.Integer(required=True)
    requests_scheduled = fields.Integer(required=True)
    requests_delivered = fields.Integer(required=True)
    by_kind = fields.List(fields.Nested(StatsBucket), required=True)
    by_place_type = fields.List(fields.Nested(StatsBucket), required=True)
    top_speakers = fields.List(fields.Nested(StatsSpeaker), required=True)
