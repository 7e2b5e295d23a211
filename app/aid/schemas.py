
"""Request and response shapes of aid programs, applications, batches and stats.

Responses dump the model objects the services return: renames by `attribute=`, masks of
personal numbers by `core.fields.Masked` (core.crypto masks), the org and program by relationship.
"""

from marshmallow import Schema, ValidationError, fields, missing, validate, validates_schema

from app.aid.models import (
    ACTION_LABELS,
    BATCH_STATUS_LABELS,
    DOCUMENT_KINDS,
    KIND_LABELS,
    KINDS,
    RELATION_LABELS,
    RELATIONS,
    STATUS_LABELS,
    STATUSES,
    category_problems,
    chain_problems,
)
from app.core.contract import domain_rule
from app.core.crypto import mask_bank_account, mask_id_number
from app.core.fields import (
    Label,
    Labels,
    Masked,
    fen_field,
    id_number_field,
    text,
    version_field,
)
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.core.time import SHANGHAI
from app.orgs.models import LEVEL_LABELS, LEVELS

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,31}$")


class Inline(fields.Nested):
    """A nested shape read off the same object (e.g. an application's beneficiary columns)."""

    def get_value(self, obj, attr, accessor=None, default=missing):
        return obj


# ---- programs ----------------------------------------------------------------------------

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
    warnings = fields.List(fields.Nested(AidProgramWarning), allow_none=True, metadata={
        "description": "what the officers over the owner org should fix (e.g. no_approver: "
                       "step orgs of the chain without an approver); [] when nothing, null "
                       "for other callers and in lists"})


AidProgramPage = page_schema(AidProgramOut, "AidProgramPage")


class AidProgramQuery(ListQuerySchema):
    scope = fields.String(load_default="open", validate=validate.OneOf(["open", "managed"]),
                          metadata={"description": "open: programs taking applications; "
                                                   "managed: programs of the caller's orgs"})


# ---- applications ------------------------------------------------------------------------

class AidBeneficiaryIn(StrictSchema):
    name = text(50, required=True)
    id_number = id_number_field(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS),
                             metadata={"description": "to the applicant"})
    school = text(100, required=False, load_default=None, allow_none=True)
    grade = text(50, required=False, load_default=None, allow_none=True,
                 metadata={"description": "grade, or admission year for new students"})
    household_county = text(100, required=True)


class AidBankAccountIn(StrictSchema):
    holder = text(50, required=True)
    bank = text(100, required=True)
    number = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{8,30}$"))


class AidDocumentIn(StrictSchema):
    file_id = id_field(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(DOCUMENT_KINDS)))


class AidApplicationCreate(StrictSchema):
    program_id = id_field(required=True)
    org_id = id_field(required=True, metadata={"description": "the applicant's village"})
    category_code = fields.String(required=True, validate=CODE)
    tier_code = fields.String(required=True, validate=CODE)
    beneficiary = fields.Nested(AidBeneficiaryIn, required=True)
    bank_account = fields.Nested(AidBankAccountIn, required=True)
    reason = text(2000, required=True)
    documents = fields.List(fields.Nested(AidDocumentIn), load_default=list,
                            validate=validate.Length(max=20))
    on_behalf = fields.Boolean(load_default=False, metadata={
        "description": "entered by an officer of the org for someone without the app"})


class AidApplicationUpdate(StrictSchema):
    version = version_field()
    org_id = id_field()
    category_code = fields.String(validate=CODE)
    tier_code = fields.String(validate=CODE)
    beneficiary = fields.Nested(AidBeneficiaryIn)
    bank_account = fields.Nested(AidBankAccountIn)
    reason = text(2000, required=False)
    documents = fields.List(fields.Nested(AidDocumentIn), validate=validate.Length(max=20))


class AidVersionIn(StrictSchema):
    version = version_field()


class AidDecisionIn(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(["approve", "return",
                                                                   "reject"]))
    comment = text(500, required=False, load_default=None, allow_none=True,
                   metadata={"description": "required to return or reject"})
    version = version_field()


class AidRevealIn(StrictSchema):
    field = fields.String(required=True, validate=validate.OneOf(["id_number", "bank_account"]))
    reason = text(500, min_length=2, required=True)


class AidRevealOut(Schema):
    field = fields.String(required=True)
    value = fields.String(required=True)


class AidBeneficiary(Schema):
    """Dumped off the application's beneficiary columns."""

    name = fields.String(required=True, attribute="beneficiary_name")
    id_number = Masked(mask_id_number, required=True, attribute="beneficiary_id_number",
                       metadata={"description": "masked"})
    relation = fields.String(required=True)
    relation_label = Label(RELATION_LABELS, source="relation")
    school = fields.String(allow_none=True)
    grade = fields.String(allow_none=True)
    household_county = fields.String(required=True)


class AidBankAccount(Schema):
    """Dumped off the application's bank columns."""

    holder = fields.String(required=True, attribute="bank_holder")
    bank = fields.String(required=True, attribute="bank_name")
    number = Masked(mask_bank_account, required=True, attribute="bank_account",
                    metadata={"description": "masked"})


class AidDocument(Schema):
    file_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    kind_label = Label(DOCUMENT_KINDS, source="kind")
    original_name = fields.String(required=True, attribute="file.original_name")
    content_type = fields.String(required=True, attribute="file.content_type")


class AidStep(Schema):
    index = fields.Integer(required=True)
    level = fields.String(required=True)
    level_label = Label(LEVEL_LABELS, source="level")
    org = fields.Nested(OrgRef, required=True)


class AidApplicationOut(Schema):
    id = fields.Integer(required=True)
    program_id = fields.Integer(required=True)
    program_name = fields.String(required=True, attribute="program.name")
    org = fields.Nested(OrgRef, required=True)
    applicant_id = fields.Integer(required=True)
    entered_by_officer = fields.Boolean(required=True)
    category_code = fields.String(required=True)
    category_name = fields.String(required=True, metadata={
        "description": "the program's name of the category"})
    tier_code = fields.String(required=True)
    tier_name = fields.String(required=True, metadata={
        "description": "the program's name of the tier"})
    amount_fen = fields.Integer(required=True)
    beneficiary = Inline(AidBeneficiary, required=True)
    bank_account = Inline(AidBankAccount, required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_label = Label(STATUS_LABELS, source="status")
    current_step = fields.Nested(AidStep, allow_none=True)
    version = fields.Integer(required=True)
    last_comment = fields.String(allow_none=True)
    batch_id = fields.Integer(allow_none=True)
    created_at = ShanghaiDateTime(required=True)
    submitted_at = ShanghaiDateTime(allow_none=True)
    decided_at = ShanghaiDateTime(allow_none=True)
    paid_at = ShanghaiDateTime(allow_none=True)


class AidEvent(Schema):
    action = fields.String(required=True)
    action_label = Label(ACTION_LABELS, source="action")
    from_status = fields.String(allow_none=True)
    from_status_label = Label(STATUS_LABELS, source="from_status", required=False,
                              allow_none=True)
    to_status = fields.String(required=True)
    to_status_label = Label(STATUS_LABELS, source="to_status")
    step = fields.Integer(allow_none=True)
    org = fields.Nested(OrgRef, allow_none=True)
    comment = fields.String(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


class AidApplicationDetail(AidApplicationOut):
    documents = fields.List(fields.Nested(AidDocument), required=True)
    history = fields.List(fields.Nested(AidEvent), required=True, attribute="events")


AidApplicationPage = page_schema(AidApplicationOut, "AidApplicationPage")


class AidApplicationQuery(ListQuerySchema):
    program_id = id_field(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    waiting_for_me = fields.Boolean(load_default=False, metadata={
        "description": "only applications at a step the caller decides"})


# ---- disbursement ------------------------------------------------------------------------

class AidBatchCreate(StrictSchema):
    name = text(100, required=True)
    application_ids = fields.List(id_field(), required=True,
                                  validate=validate.Length(min=1, max=1000))


class AidBatchOut(Schema):
    id = fields.Integer(required=True)
    program_id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    status_label = Label(BATCH_STATUS_LABELS, source="status")
    total_fen = fields.Integer(required=True)
    count = fields.Integer(required=True)
    version = fields.Integer(required=True)
    created_at = ShanghaiDateTime(required=True)
    paid_at = ShanghaiDateTime(allow_none=True)


AidBatchPage = page_schema(AidBatchOut, "AidBatchPage")


class AidRosterQuery(StrictSchema):
    reason = text(500, min_length=2, required=True,
                  metadata={"description": "why bank accounts are read"})


# ---- stats -------------------------------------------------------------------------------

class AidFigure(Schema):
    count = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True)


class AidFigures(Schema):
    approved = fields.Nested(AidFigure, required=True,
                             metadata={"description": "passed the whole chain (incl. paid)"})
    paid = fields.Nested(AidFigure, required=True)
    pending = fields.Nested(AidFigure, required=True, metadata={"description": "in review"})


class AidStatsRow(AidFigures):
    key = fields.String(required=True)
    label = fields.String(required=True)


class AidProgramStats(Schema):
    program = fields.Nested(OrgRef, required=True)
    budget = fields.Nested(AidBudget, required=True)
    totals = fields.Nested(AidFigures, required=True)
    by_village = fields.List(fields.Nested(AidStatsRow), required=True)
    by_category = fields.List(fields.Nested(AidStatsRow), required=True)
    by_tier = fields.List(fields.Nested(AidStatsRow), required=True)
