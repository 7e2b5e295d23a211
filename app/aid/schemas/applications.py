"""Shapes of aid applications: what an applicant enters, decisions, reveals, what is shown."""

from marshmallow import Schema, fields, validate

from app.aid.models import (
    ACTION_LABELS,
    CONFIRMATIONS,
    DOCUMENT_KINDS,
    RELATION_LABELS,
    RELATIONS,
    STATUS_LABELS,
    STATUSES,
)
from app.aid.schemas.programs import CODE
from app.core.crypto import mask_bank_account, mask_id_number
from app.core.fields import (
    Inline,
    Label,
    Masked,
    bank_account_number,
    id_number_field,
    text,
    version_field,
)
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.hardship.models import LEVELS as HARDSHIP_LEVELS
from app.orgs.models import LEVEL_LABELS


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
    number = bank_account_number(required=True)


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
    confirmations = fields.List(fields.String(validate=validate.OneOf(list(CONFIRMATIONS))),
                                load_default=list, validate=validate.Length(max=len(CONFIRMATIONS)),
                                metadata={"description": "the program's required_confirmations "
                                                         "the applicant confirms"})


class AidApplicationUpdate(StrictSchema):
    version = version_field()
    org_id = id_field()
    category_code = fields.String(validate=CODE)
    tier_code = fields.String(validate=CODE)
    beneficiary = fields.Nested(AidBeneficiaryIn)
    bank_account = fields.Nested(AidBankAccountIn)
    reason = text(2000, required=False)
    documents = fields.List(fields.Nested(AidDocumentIn), validate=validate.Length(max=20))
    confirmations = fields.List(fields.String(validate=validate.OneOf(list(CONFIRMATIONS))),
                                validate=validate.Length(max=len(CONFIRMATIONS)))


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


class AidRepeatAid(Schema):
    program_id = fields.Integer(required=True)
    program_name = fields.String(required=True)
    year = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True)


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
    confirmations = fields.List(fields.String(), required=True)
    hardship_file_id = fields.Integer(allow_none=True, metadata={
        "description": "the household's filed hardship file when submitted"})
    hardship_level = fields.String(allow_none=True)
    hardship_level_label = Label(HARDSHIP_LEVELS, source="hardship_level", required=False,
                                 allow_none=True)
    repeat_aid = fields.List(fields.Nested(AidRepeatAid), allow_none=True,
                             attribute="repeat_aid_for_viewer", metadata={
        "description": "officers only (null for the applicant and in lists): other aid this "
                       "year from programs that exclude this one"})


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
