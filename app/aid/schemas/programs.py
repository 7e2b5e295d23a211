"""Shapes of aid programs: categories and tiers, the chain, the budget, repeat-aid rules."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.aid.models import (
    CONFIRMATIONS,
    DOCUMENT_KINDS,
    HARDSHIP_FILE_RULES,
    KIND_LABELS,
    KINDS,
    REPEAT_RULES,
    REPEAT_SCOPES,
    category_problems,
    chain_problems,
)
from app.core.contract import domain_rule
from app.core.fields import Label, Labels, fen_field, text
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.core.time import SHANGHAI
from app.orgs.models import LEVEL_LABELS, LEVELS

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,31}$")


class AidTierIn(StrictSchema):
    code = fields.String(required=True, validate=CODE)
    name = text(50, required=True)
    amount_fen = fen_field(minimum=1, required=True)


class AidCategoryIn(StrictSchema):
    code = fields.String(required=True, validate=CODE)
    name = text(50, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    required_documents = fields.List(
        fields.String(validate=validate.OneOf(list(DOCUMENT_KINDS))), load_default=list,
        validate=validate.Length(max=len(DOCUMENT_KINDS)))
    tiers = fields.List(fields.Nested(AidTierIn), required=True,
                        validate=validate.Length(min=1, max=20))


def _unique_codes(categories: list[dict]) -> None:
    problems = category_problems(categories)
    if problems:
        raise ValidationError(problems)


def upward_chains() -> list[list[str]]:
    """Every chain `_upwards` accepts (each level once, climbing), for the document."""
    upwards = list(reversed(LEVELS))  # LEVELS runs from the top down
    return [[level for bit, level in enumerate(upwards) if mask >> bit & 1]
            for mask in range(1, 2 ** len(LEVELS))]


def _upwards(chain: list[str]) -> None:
    problems = chain_problems(chain)
    if problems:
        raise ValidationError(problems)


class AidProgramCreate(StrictSchema):
    name = text(100, required=True)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    owner_org_id = id_field(required=True)
    eligible_org_ids = fields.List(id_field(), required=True,
                                   validate=validate.Length(min=1, max=100))
    categories = fields.List(fields.Nested(AidCategoryIn), required=True,
                             validate=[validate.Length(min=1, max=10), _unique_codes],
                             metadata=domain_rule("category codes, and tier codes within a "
                                                  "category, are unique"))
    budget_fen = fen_field(minimum=1, required=True)
    opens_at = fields.AwareDateTime(required=True, default_timezone=SHANGHAI,
                                    metadata={"description": "no offset → Asia/Shanghai"})
    closes_at = fields.AwareDateTime(required=True, default_timezone=SHANGHAI,
                                     metadata=domain_rule("after opens_at"))
    chain = fields.List(fields.String(validate=validate.OneOf(LEVELS)), required=True,
                        validate=[validate.Length(min=1, max=len(LEVELS)), _upwards],
                        metadata={"description": "levels from the applicant upwards, "
                                                 "e.g. village, town, county, province",
                                  "enum": upward_chains()})
    excluded_by_program_ids = fields.List(id_field(), load_default=list,
                                          validate=validate.Length(max=50), metadata=domain_rule(
        "existing programs", description="programs whose aid in the same year excludes this "
                                         "program's (no repeat aid for the same need)"))
    repeat_scope = fields.String(load_default="person",
                                 validate=validate.OneOf(list(REPEAT_SCOPES)), metadata={
        "description": "person, or household: any member of the beneficiary's open "
                       "hardship file (then this program's own aid to the household counts)"})
    repeat_rule = fields.String(load_default="flag", validate=validate.OneOf(list(REPEAT_RULES)),
                                metadata={"description": "flag to the approver, or refuse"})
    hardship_file_rule = fields.String(load_default="none",
                                       validate=validate.OneOf(list(HARDSHIP_FILE_RULES)))
    required_confirmations = fields.List(
        fields.String(validate=validate.OneOf(list(CONFIRMATIONS))), load_default=list,
        validate=validate.Length(max=len(CONFIRMATIONS)), metadata={
            "description": "exclusions the applicant must confirm (national rules)"})
    notice_working_days = fields.Integer(strict=True, load_default=None, allow_none=True,
                                         validate=validate.Range(min=1, max=30), metadata={
        "description": "公示 before payment: approved applications are published this many "
                       "working days; null: no notice"})

    @validates_schema(skip_on_field_errors=False)
    def window_in_order(self, data, **kwargs):
        """Runs whatever else is wrong, so one 422 lists every problem."""
        if "opens_at" in data and "closes_at" in data and data["opens_at"] >= data["closes_at"]:
            raise ValidationError("must be after opens_at", "closes_at")


class AidTier(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    amount_fen = fields.Integer(required=True)


class AidCategory(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = Label(KIND_LABELS, source="kind")
    required_documents = fields.List(fields.String(), required=True)
    required_document_labels = Labels(DOCUMENT_KINDS, source="required_documents")
    tiers = fields.List(fields.Nested(AidTier), required=True)


class AidBudget(Schema):
    budget_fen = fields.Integer(required=True)
    reserved_fen = fields.Integer(required=True, metadata={"description": "approved, unpaid"})
    paid_fen = fields.Integer(required=True)
    left_fen = fields.Integer(required=True)


class AidProgramWarning(Schema):
    code = fields.String(required=True, attribute="kind", metadata={"description": "no_approver"})
    message = fields.String(required=True)
    count = fields.Integer(required=True)
    orgs = fields.List(fields.Nested(OrgRef), required=True, metadata={
        "description": "the first 50 orgs concerned, by path"})


class AidProgramOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    year = fields.Integer(required=True)
    owner_org = fields.Nested(OrgRef, required=True)
    eligible_orgs = fields.List(fields.Nested(OrgRef), required=True)
    categories = fields.List(fields.Nested(AidCategory), required=True)
    chain = fields.List(fields.String(), required=True)
    chain_labels = Labels(LEVEL_LABELS, source="chain")
    budget_fen = fields.Integer(required=True)
    opens_at = ShanghaiDateTime(required=True)
    closes_at = ShanghaiDateTime(required=True)
    is_open = fields.Boolean(required=True)
    budget = fields.Nested(AidBudget, allow_none=True, attribute="budget_for_viewer",
                           metadata={"description": "officers over the owner org only"})
    created_at = ShanghaiDateTime(required=True)
    eligible = fields.Boolean(allow_none=True, attribute="eligible_for_viewer", metadata={
        "description": "in lists of open programs: the caller may apply (an approved member "
                       "of an eligible org or below it) or enter applications for others "
                       "(an officer over one); null elsewhere"})
    excluded_by_program_ids = fields.List(fields.Integer(), required=True)
    repeat_scope = fields.String(required=True)
    repeat_scope_label = Label(REPEAT_SCOPES, source="repeat_scope")
    repeat_rule = fields.String(required=True)
    repeat_rule_label = Label(REPEAT_RULES, source="repeat_rule")
    hardship_file_rule = fields.String(required=True)
    hardship_file_rule_label = Label(HARDSHIP_FILE_RULES, source="hardship_file_rule")
    required_confirmations = fields.List(fields.String(), required=True)
    required_confirmation_labels = Labels(CONFIRMATIONS, source="required_confirmations")
    notice_working_days = fields.Integer(allow_none=True)
    warnings = fields.List(fields.Nested(AidProgramWarning), allow_none=True, metadata={
        "description": "what the officers over the owner org should fix (e.g. no_approver: "
                       "step orgs of the chain without an approver); [] when nothing, null "
                       "for other callers and in lists"})


AidProgramPage = page_schema(AidProgramOut, "AidProgramPage")


class AidProgramQuery(ListQuerySchema):
    scope = fields.String(load_default="open", validate=validate.OneOf(["open", "managed"]),
                          metadata={"description": "open: programs taking applications; "
                                                   "managed: programs of the caller's orgs"})
