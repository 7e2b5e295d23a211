"""Request and response shapes of hardship files, visits, decisions, reviews and settings.
Personal numbers leave masked (`core.fields.Masked`); whole values only through reveal."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.core.contract import domain_rule
from app.core.crypto import mask_bank_account, mask_id_number
from app.core.fields import (
    Inline,
    Label,
    Labels,
    Masked,
    bank_account_number,
    day,
    fen_field,
    id_number_field,
    text,
    version_field,
)
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.hardship.models import (
    ACTIONS,
    CAUSES,
    COST_KINDS,
    DOCUMENT_KINDS,
    HEALTH,
    INCOME_KINDS,
    LEVELS,
    RELATIONS,
    SCHOOLING,
    STATUSES,
)
from app.notices.schemas import NoticeBrief

MAX_HOUSEHOLD = 15


class PersonIn(StrictSchema):
    name = text(50, required=True)
    id_number = id_number_field(required=True, metadata=domain_rule(
        "each person of the household once"))
    health = fields.String(required=True, validate=validate.OneOf(list(HEALTH)))
    schooling = fields.String(required=True, validate=validate.OneOf(list(SCHOOLING)))
    work = text(100, required=False, load_default=None, allow_none=True,
                metadata={"description": "job, or why not working"})


class HeadIn(PersonIn):
    employer = text(100, required=False, load_default=None, allow_none=True)


class FamilyMemberIn(PersonIn):
    relation = fields.String(required=True, validate=validate.OneOf(
        [code for code in RELATIONS if code != "self"]), metadata={"description": "to the head"})


class MoneyItemIn(StrictSchema):
    kind = fields.String(required=True)
    amount_fen = fen_field(required=True, metadata={"description": "per year"})


class IncomeItemIn(MoneyItemIn):
    kind = fields.String(required=True, validate=validate.OneOf(list(INCOME_KINDS)))


class CostItemIn(MoneyItemIn):
    kind = fields.String(required=True, validate=validate.OneOf(list(COST_KINDS)))


class BankAccountIn(StrictSchema):
    holder = text(50, required=True)
    bank = text(100, required=True)
    number = bank_account_number(required=True)


def _causes_apart(data: dict) -> None:
    main, secondary = data.get("main_cause"), data.get("secondary_causes") or []
    if main is not None and main in secondary:
        raise ValidationError("the main cause is not also a secondary one", "secondary_causes")
    if len(set(secondary)) != len(secondary):
        raise ValidationError("each cause once", "secondary_causes")


class FileFigures(StrictSchema):
    income_items = fields.List(fields.Nested(IncomeItemIn), validate=validate.Length(max=20))
    fixed_costs = fields.List(fields.Nested(CostItemIn), validate=validate.Length(max=20))
    accident_costs_fen = fen_field(metadata={
        "description": "this year's costs of the accident or illness behind the hardship"})


class HardshipFileCreate(FileFigures):
    org_id = id_field(required=True, metadata=domain_rule(
        "a grassroots union (a town or village org) with a county union above it",
        description="the grassroots union (village, community, town or workplace)"))
    on_behalf = fields.Boolean(load_default=False, metadata={
        "description": "entered by an officer of the union for a worker"})
    head = fields.Nested(HeadIn, required=True, metadata={"description": "head of household"})
    family = fields.List(fields.Nested(FamilyMemberIn), load_default=list,
                         validate=validate.Length(max=MAX_HOUSEHOLD - 1))
    main_cause = fields.String(required=True, validate=validate.OneOf(list(CAUSES)))
    secondary_causes = fields.List(fields.String(validate=validate.OneOf(list(CAUSES))),
                                   load_default=list, validate=validate.Length(max=len(CAUSES)),
                                   metadata=domain_rule("each once, and not the main cause"))
    income_items = fields.List(fields.Nested(IncomeItemIn), load_default=list,
                               validate=validate.Length(max=20))
    fixed_costs = fields.List(fields.Nested(CostItemIn), load_default=list,
                              validate=validate.Length(max=20))
    accident_costs_fen = fen_field(load_default=0)
    bank_account = fields.Nested(BankAccountIn, required=True)
    evidence_file_ids = fields.List(id_field(), load_default=list,
                                    validate=validate.Length(max=20),
                                    metadata=domain_rule("the caller's own uploads"))

    @validates_schema(skip_on_field_errors=False)
    def causes_apart(self, data, **kwargs):
        _causes_apart(data)


class HardshipFileUpdate(FileFigures):
    version = version_field()
    head = fields.Nested(HeadIn)
    family = fields.List(fields.Nested(FamilyMemberIn),
                         validate=validate.Length(max=MAX_HOUSEHOLD - 1))
    main_cause = fields.String(validate=validate.OneOf(list(CAUSES)))
    secondary_causes = fields.List(fields.String(validate=validate.OneOf(list(CAUSES))),
                                   validate=validate.Length(max=len(CAUSES)),
                                   metadata=domain_rule("each once, and not the main cause"))
    bank_account = fields.Nested(BankAccountIn)
    evidence_file_ids = fields.List(id_field(), validate=validate.Length(max=20),
                                    metadata=domain_rule("the caller's own uploads"))

    @validates_schema(skip_on_field_errors=False)
    def causes_apart(self, data, **kwargs):
        _causes_apart(data)


class SelfTestIn(StrictSchema):
    county_org_id = id_field(required=True, metadata=domain_rule("a county union"))
    household_size = fields.Integer(strict=True, required=True,
                                    validate=validate.Range(min=1, max=MAX_HOUSEHOLD))
    yearly_income_fen = fen_field(required=True)
    yearly_fixed_costs_fen = fen_field(load_default=0)
    accident_costs_fen = fen_field(load_default=0)


class AssessmentOut(Schema):
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    level_label = Label(LEVELS, source="level")
    monthly_per_person_fen = fields.Integer(required=True, metadata={
        "description": "(income − fixed costs) ÷ 12 ÷ household size, rounded down"})
    poverty_line_fen = fields.Integer(required=True, metadata={
        "description": "the county's monthly 低保 line per person"})
    yearly_income_fen = fields.Integer(required=True)
    yearly_fixed_costs_fen = fields.Integer(required=True)
    accident_costs_fen = fields.Integer(required=True)
    household_size = fields.Integer(required=True)


class HardshipVersionIn(StrictSchema):
    version = version_field(metadata=domain_rule(
        "submit: the household must be in hardship by the eligibility test",
        codes=("not_eligible",)))


class HardshipDecisionIn(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(
        ["approve", "return", "reject", "file"]), metadata={
        "description": "approve: grassroots → level above → notice; file: the county union, "
                       "after the notice passed"})
    comment = text(500, required=False, load_default=None, allow_none=True,
                   metadata=domain_rule("required to return or reject",
                                        description="required to return or reject"))
    version = version_field()


class VisitIn(StrictSchema):
    visited_on = day(required=True, metadata=domain_rule("not in the future"))
    second_officer_id = id_field(required=True, metadata=domain_rule(
        "another officer over the file's union",
        description="the other officer at the visit (the caller is the first)"))
    findings = text(2000, required=True)
    photo_file_ids = fields.List(id_field(), required=True,
                                 validate=validate.Length(min=1, max=10),
                                 metadata=domain_rule("the caller's own uploads, each once"))
    signed_application_file_id = id_field(required=True)
    finance_consent_file_id = id_field(required=True)


class ReviewIn(FileFigures):
    version = version_field()
    findings = text(2000, required=True)


class HardshipCloseIn(StrictSchema):
    version = version_field()
    reason = text(500, required=True, metadata={"description": "why the household is out"})
    decision_note = text(500, required=True, metadata={
        "description": "the collective decision (meeting, date, who decided)"})


class HardshipFollowUpIn(StrictSchema):
    version = version_field()
    note = text(2000, required=True)


class HardshipReopenIn(StrictSchema):
    version = version_field()
    reason = text(500, required=True)


class HardshipRevealIn(StrictSchema):
    field = fields.String(required=True, validate=validate.OneOf(["id_number", "bank_account"]))
    member_id = id_field(load_default=None, allow_none=True, metadata={
        "description": "for a family member's ID number; the head's by default"})
    reason = text(500, min_length=2, required=True)


class HardshipRevealOut(Schema):
    field = fields.String(required=True)
    value = fields.String(required=True)


class HardshipSettingsIn(StrictSchema):
    poverty_line_fen = fen_field(minimum=1, required=True, metadata=domain_rule(
        "set for a county union only", codes=("validation_error",),
        description="the county's monthly 低保 line per person"))
    notice_working_days = fields.Integer(strict=True, load_default=5,
                                         validate=validate.Range(min=1, max=30))
    version = version_field(required=False, load_default=None, allow_none=True)


class HardshipSettingsOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    poverty_line_fen = fields.Integer(required=True)
    notice_working_days = fields.Integer(required=True)
    version = fields.Integer(required=True)
    updated_at = ShanghaiDateTime(required=True)


class MemberOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    relation = fields.String(required=True)
    relation_label = Label(RELATIONS, source="relation")
    id_number = Masked(mask_id_number, required=True, metadata={"description": "masked"})
    health = fields.String(required=True)
    health_label = Label(HEALTH, source="health")
    schooling = fields.String(required=True)
    schooling_label = Label(SCHOOLING, source="schooling")
    work = fields.String(allow_none=True)


class MoneyItemOut(Schema):
    kind = fields.String(required=True)
    amount_fen = fields.Integer(required=True)


class BankAccountOut(Schema):
    holder = fields.String(required=True, attribute="bank_holder")
    bank = fields.String(required=True, attribute="bank_name")
    number = Masked(mask_bank_account, required=True, attribute="bank_account",
                    metadata={"description": "masked"})


class DocumentOut(Schema):
    file_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    kind_label = Label(DOCUMENT_KINDS, source="kind")
    visit_id = fields.Integer(allow_none=True)
    original_name = fields.String(required=True, attribute="file.original_name")
    content_type = fields.String(required=True, attribute="file.content_type")


class VisitOut(Schema):
    id = fields.Integer(required=True)
    visited_on = fields.Date(required=True)
    first_officer_id = fields.Integer(allow_none=True)
    second_officer_id = fields.Integer(allow_none=True)
    findings = fields.String(required=True)
    created_at = ShanghaiDateTime(required=True)


class HardshipEvent(Schema):
    action = fields.String(required=True)
    action_label = Label(ACTIONS, source="action")
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    to_status_label = Label(STATUSES, source="to_status")
    org = fields.Nested(OrgRef, allow_none=True)
    comment = fields.String(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


class HardshipFileOut(Schema):
    id = fields.Integer(required=True)
    org = fields.Nested(OrgRef, required=True)
    county_org = fields.Nested(OrgRef, required=True)
    applicant_id = fields.Integer(required=True)
    entered_by_officer = fields.Boolean(required=True)
    head_name = fields.String(required=True)
    head_id_number = Masked(mask_id_number, required=True, metadata={"description": "masked"})
    employer = fields.String(allow_none=True)
    household_size = fields.Integer(required=True)
    main_cause = fields.String(required=True)
    main_cause_label = Label(CAUSES, source="main_cause")
    secondary_causes = fields.List(fields.String(), required=True)
    secondary_cause_labels = Labels(CAUSES, source="secondary_causes")
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    level_label = Label(LEVELS, source="level")
    monthly_per_person_fen = fields.Integer(required=True)
    poverty_line_fen = fields.Integer(required=True)
    yearly_income_fen = fields.Integer(required=True)
    yearly_fixed_costs_fen = fields.Integer(required=True)
    accident_costs_fen = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(STATUSES)))
    status_label = Label(STATUSES, source="status")
    step_org = fields.Nested(OrgRef, allow_none=True, metadata={
        "description": "the union whose approver acts next"})
    version = fields.Integer(required=True)
    last_comment = fields.String(allow_none=True)
    filed_at = ShanghaiDateTime(allow_none=True)
    reviewed_on = fields.Date(allow_none=True)
    review_due_on = fields.Date(allow_none=True)
    closed_at = ShanghaiDateTime(allow_none=True)
    follow_up_until = fields.Date(allow_none=True)
    followed_up_on = fields.Date(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


class HardshipFileDetail(HardshipFileOut):
    members = fields.List(fields.Nested(MemberOut), required=True)
    income_items = fields.List(fields.Nested(MoneyItemOut), required=True)
    fixed_costs = fields.List(fields.Nested(MoneyItemOut), required=True)
    bank_account = Inline(BankAccountOut, required=True)
    exit_reason = fields.String(allow_none=True)
    exit_decision = fields.String(allow_none=True)
    documents = fields.List(fields.Nested(DocumentOut), required=True)
    visits = fields.List(fields.Nested(VisitOut), required=True)
    history = fields.List(fields.Nested(HardshipEvent), required=True, attribute="events")
    notice = fields.Nested(NoticeBrief, allow_none=True, attribute="live_notice", metadata={
        "description": "the notice being published (in_notice, exit_notice), else null"})


HardshipFilePage = page_schema(HardshipFileOut, "HardshipFilePage")


class HardshipFileQuery(ListQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(list(STATUSES)))
    level = fields.String(load_default=None, validate=validate.OneOf(list(LEVELS)))
    org_id = id_field(load_default=None)


class FigureOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class HardshipStatsOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    total = fields.Integer(required=True, metadata={"description": "submitted files"})
    by_status = fields.List(fields.Nested(FigureOut), required=True)
    filed_by_level = fields.List(fields.Nested(FigureOut), required=True)
    year = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the year asked for (files opened in it), null for all files"})
    filed_by_main_cause = fields.List(fields.Nested(FigureOut), required=True, metadata={
        "description": "filed files by their main cause, every cause listed"})
    filed_by_secondary_cause = fields.List(fields.Nested(FigureOut), required=True, metadata={
        "description": "filed files naming each secondary cause (a file may name several)"})


class HardshipStatsQuery(StrictSchema):
    org_id = id_field(required=True)
    year = fields.Integer(validate=validate.Range(min=2000, max=2100), metadata={
        "description": "only files opened in this year (Asia/Shanghai); all files without"})


class HardshipExportQuery(StrictSchema):
    org_id = id_field(required=True)
    reason = text(500, min_length=2, required=True, metadata={
        "description": "why the roster (with bank accounts) is read"})

