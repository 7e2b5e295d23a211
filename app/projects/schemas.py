"""Request and response shapes of projects, bids, team, reports, tranches and stats.

Output schemas dump model objects (and the stats dataclasses). Values derived from a row are
model properties (`Project.progress`, `.satisfaction`, `TeamMember.hours`), `allowed_actions`
(filled per caller by `projects.actions`)
or typed fields (`core.fields.Label`, `attribute="user.nickname"`): `fields.Method`/`Function` would
document them without a type (and as readOnly), changing the OpenAPI document.
"""

from marshmallow import Schema, fields, validate

from app.auth.schemas import AvatarUrl, display_name
from app.core.contract import domain_rule
from app.core.fields import Label, day, fen_field, text, version_field
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.orgs.models import LEVEL_LABELS
from app.projects.actions import ACTIONS
from app.projects.models import (
    BID_STATUS_LABELS,
    BID_STATUSES,
    CATEGORIES,
    OUTCOMES,
    PROJECT_LEVELS,
    PROJECT_STATUSES,
    STATUSES,
    TEAM_ROLE_LABELS,
    TEAM_ROLES,
)

ALLOWED_ACTIONS_DOC = (
    "What the caller may do now, as the endpoints take it: edit = PATCH the project; "
    "publish, cancel, award, start, submit = POST …/<action>; bid = POST …/bids; volunteer = "
    "POST …/volunteers; report = POST …/reports; release_tranche = POST …/tranches; "
    "add_team_member = POST …/team; answer_survey = POST …/survey; completed, failed, rework "
    "= the outcome of POST …/evaluation.")


class Goal(StrictSchema):
    name = text(50, required=True)
    unit = text(20, required=True)
    target = fields.Float(required=True, allow_nan=False,
                          validate=validate.Range(min=0, min_inclusive=False, max=1e12))

DEADLINE_RULE = "today or later (Asia/Shanghai) when set"
DUE_RULE = "not before the bid deadline"


class ProjectCreate(StrictSchema):
    org_id = id_field(required=True)
    title = text(100, required=True)
    problem = text(5000, required=True, metadata={"description": "the pain point"})
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    goals = fields.List(fields.Nested(Goal), required=True, validate=validate.Length(1, 10))
    budget_fen = fen_field(required=True)
    bid_deadline = day(required=True, metadata=domain_rule(
        DEADLINE_RULE, description="last day for bids, Asia/Shanghai (bids close at its "
                                   "midnight)"))
    due_date = day(required=True, metadata=domain_rule(DUE_RULE))


class ProjectUpdate(StrictSchema):
    title = text(100)
    problem = text(5000)
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))
    goals = fields.List(fields.Nested(Goal), validate=validate.Length(1, 10))
    budget_fen = fen_field()
    bid_deadline = day(metadata=domain_rule(DEADLINE_RULE))
    due_date = day(metadata=domain_rule(DUE_RULE))
    version = version_field()


class VersionBody(StrictSchema):
    version = version_field()


class CancelBody(VersionBody):
    reason = text(500, required=True)


class ProjectQuery(ListQuerySchema):
    org_id = id_field(load_default=None, metadata={"description": "the org and its subtree"})
    level = fields.String(load_default=None, validate=validate.OneOf(PROJECT_LEVELS))
    category = fields.String(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    q = text(50, load_default=None)


class ProjectOrg(OrgRef):
    level = fields.String(required=True)
    level_label = Label(LEVEL_LABELS, source="level")


class GoalProgress(Schema):
    name = fields.String(required=True)
    unit = fields.String(required=True)
    target = fields.Float(required=True)
    actual = fields.Float(allow_none=True)
    ratio = fields.Float(allow_none=True, metadata={"description": "actual / target"})


class Satisfaction(Schema):
    answers = fields.Integer(required=True)
    satisfied = fields.Integer(required=True)
    rate = fields.Float(allow_none=True)


class MyBidRef(Schema):
    """The caller's live bid on a project (withdrawn ones are not shown)."""

    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(BID_STATUSES))
    status_label = Label(BID_STATUS_LABELS, source="status", required=True)
    version = fields.Integer(required=True)


class ProjectOut(Schema):
    id = fields.Integer(required=True)
    org = fields.Nested(ProjectOrg, required=True)
    title = fields.String(required=True)
    problem = fields.String(required=True)
    category = fields.String(required=True)
    category_label = Label(CATEGORIES, source="category")
    goals = fields.List(fields.Nested(Goal), required=True)
    progress = fields.List(fields.Nested(GoalProgress), required=True)
    budget_fen = fields.Integer(required=True)
    granted_fen = fields.Integer(required=True, metadata={"description": "the winning bid"})
    released_fen = fields.Integer(required=True, metadata={"description": "sum of tranches"})
    bid_deadline = fields.Date(required=True)
    bids_close_at = ShanghaiDateTime(required=True)
    due_date = fields.Date(required=True)
    status = fields.String(required=True)
    status_label = Label(PROJECT_STATUSES, source="status")
    version = fields.Integer(required=True)
    allowed_actions = fields.List(fields.String(validate=validate.OneOf(ACTIONS)), required=True,
                                  metadata={"description": ALLOWED_ACTIONS_DOC})
    leader_id = fields.Integer(allow_none=True)
    winner_bid_id = fields.Integer(allow_none=True)
    my_bid = fields.Nested(MyBidRef, allow_none=True, required=True, metadata={
        "description": "the caller's live bid on this project, null when they have none"})
    score = fields.Integer(allow_none=True)
    satisfaction = fields.Nested(Satisfaction, required=True)
    created_at = ShanghaiDateTime(required=True)
    published_at = ShanghaiDateTime(allow_none=True)
    awarded_at = ShanghaiDateTime(allow_none=True)
    closed_at = ShanghaiDateTime(allow_none=True)


ProjectPage = page_schema(ProjectOut, "ProjectPage")


class ProposedMember(StrictSchema):
    name = text(50, required=True)
    role = text(50, required=True)


class BidCreate(StrictSchema):
    plan = text(10000, required=True)
    qualifications = text(5000, required=True)
    team = fields.List(fields.Nested(ProposedMember), load_default=list,
                       validate=validate.Length(max=50))
    requested_fen = fen_field(required=True)


class BidUpdate(StrictSchema):
    plan = text(10000)
    qualifications = text(5000)
    team = fields.List(fields.Nested(ProposedMember), validate=validate.Length(max=50))
    requested_fen = fen_field()
    version = version_field()


class BidOut(Schema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    bidder_id = fields.Integer(required=True)
    bidder_name = display_name("bidder.display_name")
    bidder_avatar_url = AvatarUrl(user="bidder")
    plan = fields.String(required=True)
    qualifications = fields.String(required=True)
    team = fields.List(fields.Nested(ProposedMember), required=True)
    requested_fen = fields.Integer(required=True)
    status = fields.String(required=True)
    status_label = Label(BID_STATUS_LABELS, source="status")
    version = fields.Integer(required=True)
    created_at = ShanghaiDateTime(required=True)
    updated_at = ShanghaiDateTime(allow_none=True)


BidList = page_schema(BidOut, "BidList")


class MyProjectRef(Schema):
    """The project a row of "my bids" or "my projects" is about."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    org = fields.Nested(OrgRef, required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_label = Label(PROJECT_STATUSES, source="status", required=True)
    bids_close_at = ShanghaiDateTime(required=True)
    due_date = fields.Date(required=True)


class MyBidOut(Schema):
    id = fields.Integer(required=True)
    project = fields.Nested(MyProjectRef, required=True)
    status = fields.String(required=True, validate=validate.OneOf(BID_STATUSES))
    status_label = Label(BID_STATUS_LABELS, source="status", required=True)
    requested_fen = fields.Integer(required=True)
    version = fields.Integer(required=True)
    created_at = ShanghaiDateTime(required=True)
    updated_at = ShanghaiDateTime(allow_none=True)


MyBidPage = page_schema(MyBidOut, "MyBidPage")


class MyProjectOut(Schema):
    """A `TeamMember` row of the caller: the project and their place in its team."""

    team_member_id = fields.Integer(required=True, attribute="id")
    project = fields.Nested(MyProjectRef, required=True)
    role = fields.String(required=True, validate=validate.OneOf(TEAM_ROLES))
    role_label = Label(TEAM_ROLE_LABELS, source="role", required=True)
    duty = fields.String(allow_none=True)
    hours = fields.Float(required=True, metadata={"description": "volunteer hours logged for "
                                                                 "the caller on this project"})
    joined_at = ShanghaiDateTime(required=True, attribute="created_at")


MyProjectPage = page_schema(MyProjectOut, "MyProjectPage")


class AwardBody(StrictSchema):
    bid_id = id_field(required=True)
    version = version_field()


class TeamAdd(StrictSchema):
    user_id = id_field(required=True)
    role = fields.String(required=True, validate=validate.OneOf(["working_group", "instructor"]))
    duty = text(100, min_length=0, load_default=None)


class VolunteerBody(StrictSchema):
    duty = text(100, min_length=0, load_default=None)


class TeamMemberOut(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    nickname = fields.String(attribute="user.nickname", allow_none=True)
    display_name = display_name("user.display_name")
    avatar_url = AvatarUrl(user="user")
    role = fields.String(required=True)
    role_label = Label(TEAM_ROLE_LABELS, source="role")
    duty = fields.String(allow_none=True)
    hours = fields.Float(required=True)
    created_at = ShanghaiDateTime(required=True)


TeamList = page_schema(TeamMemberOut, "TeamList")


class HoursBody(StrictSchema):
    hours = fields.Float(required=True, allow_nan=False,
                         validate=validate.Range(min=0.1, max=24))
    worked_on = day(required=True)
    note = text(200, min_length=0, load_default=None)


class HoursOut(Schema):
    id = fields.Integer(required=True)
    team_member_id = fields.Integer(required=True)
    minutes = fields.Integer(required=True)
    worked_on = day(required=True)
    note = fields.String(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


class Actual(StrictSchema):
    goal = text(50, required=True)
    actual = fields.Float(required=True, allow_nan=False,
                          validate=validate.Range(min=0, max=1e12))


class ReportCreate(StrictSchema):
    period = text(20, required=True, metadata={"description": "e.g. 2026-10 or 2026-Q3"})
    actuals = fields.List(fields.Nested(Actual), required=True, validate=validate.Length(max=10))
    text = text(10000, required=True)
    photo_file_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=9))


class ReportOut(Schema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    author_id = fields.Integer(allow_none=True)
    period = fields.String(required=True)
    actuals = fields.List(fields.Nested(Actual), required=True)
    text = fields.String(required=True)
    photo_file_ids = fields.List(fields.Integer(), required=True)
    created_at = ShanghaiDateTime(required=True)


ReportList = page_schema(ReportOut, "ReportList")


class TrancheCreate(StrictSchema):
    milestone = text(200, required=True)
    amount_fen = fen_field(minimum=1, required=True)


class TrancheOut(Schema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    milestone = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    released_by = fields.Integer(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


TrancheList = page_schema(TrancheOut, "TrancheList")


class EvaluationBody(StrictSchema):
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    comment = text(2000, min_length=0, load_default=None)
    version = version_field()


class SurveyBody(StrictSchema):
    satisfied = fields.Boolean(required=True)


class ProjectStatsRow(Schema):
    published = fields.Integer(required=True)
    taken = fields.Integer(required=True)
    in_progress = fields.Integer(required=True)
    finished = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)
    finish_rate = fields.Float(allow_none=True, metadata={"description": "finished / taken"})
    granted_fen = fields.Integer(required=True)
    released_fen = fields.Integer(required=True)
    volunteers = fields.Integer(required=True)
    volunteer_hours = fields.Float(required=True)


class ProjectLevelStats(ProjectStatsRow):
    level = fields.String(required=True)
    level_label = Label(LEVEL_LABELS, source="level")


class ProjectStats(Schema):
    org = fields.Nested(ProjectOrg, required=True)
    total = fields.Nested(ProjectStatsRow, required=True)
    by_level = fields.List(fields.Nested(ProjectLevelStats), required=True)
