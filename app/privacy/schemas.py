"""Request and response shapes of consents, policies, data export, deletion, access review."""

import re
from datetime import datetime

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from app.core.contract import domain_rule
from app.core.fields import Label, Labels, Nest, id_number_field
from app.core.http import ShanghaiDateTime, StrictSchema, id_field
from app.core.i18n import N_
from app.core.pagination import ListQuerySchema, page_schema
from app.core.time import SHANGHAI
from app.privacy.models import (
    DATA_KIND_LABELS,
    DATA_KINDS,
    DELETION_STATUS_LABELS,
    DELETION_STATUSES,
    GUARDIAN_RELATION_LABELS,
    GUARDIAN_RELATIONS,
    PURPOSE_LABELS,
    PURPOSES,
)

# visible text: no control character, and one character at least that is not a space (the
# same class in Python and ECMAScript regular expressions, so the document states the rule)
VISIBLE_PATTERN = ("^[^\\u0000-\\u001f]*[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a"
                   "\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff][^\\u0000-\\u001f]*$")


def _printable(value: str) -> None:
    if not re.fullmatch(VISIBLE_PATTERN, value):
        raise ValidationError("must be visible text without control characters")


class PolicyOut(Schema):
    purpose = fields.String(required=True)
    purpose_label = Label(PURPOSE_LABELS, source="purpose")
    version = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    published_at = ShanghaiDateTime(allow_none=True,
                                    metadata={"description": "null: the built-in first version"})
    data_kinds = fields.List(fields.String(), required=True,
                             metadata={"description": "each needs its own consent"})
    data_kind_labels = Labels(DATA_KIND_LABELS, source="data_kinds")


class PolicyList(Schema):
    items = fields.List(fields.Nested(PolicyOut), required=True)


class ConsentSubjectIn(StrictSchema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=50), _printable],
                         metadata={"pattern": VISIBLE_PATTERN})
    id_number = id_number_field(required=True)


KINDS_RULE = "kinds the purpose asks for"


class ConsentCreate(StrictSchema):
    class Meta(StrictSchema.Meta):
        # one_way_to_name_kinds: exactly one of the two, not null
        openapi_rules = {"oneOf": [
            {"required": ["data_kind"], "properties": {"data_kind": {"type": "string"}}},
            {"required": ["data_kinds"], "properties": {"data_kinds": {"type": "array"}}}]}

    purpose = fields.String(required=True, validate=validate.OneOf(list(PURPOSES)))
    data_kind = fields.String(load_default=None, validate=validate.OneOf(DATA_KINDS),
                              metadata=domain_rule(KINDS_RULE, description=(
                                  "one kind; or `data_kinds` for several at once (send one of "
                                  "the two)")))
    data_kinds = fields.List(fields.String(validate=validate.OneOf(DATA_KINDS)),
                             load_default=None, validate=validate.Length(min=1, max=4),
                             metadata=domain_rule(KINDS_RULE, description=(
                                 "several kinds in one call, e.g. every kind a 403 "
                                 "consent_required lists in `missing`")))
    policy_version = fields.String(required=True, validate=validate.Length(min=1, max=32),
                                   metadata={"description": "the version shown to the person"})
    subject = fields.Nested(ConsentSubjectIn, load_default=None, metadata={
        "description": "the person the consent is about when not the caller: the child "
                       "(minor_guardian) or the signer of a paper form an officer records"})
    guardian_relation = fields.String(load_default=None,
                                      validate=validate.OneOf(GUARDIAN_RELATIONS))
    paper_reference = fields.String(load_default=None, validate=[validate.Length(min=1, max=100),
                                                                 _printable], metadata={
        "pattern": VISIBLE_PATTERN,
        "description": "officers entering on someone's behalf: the signed form's reference"})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def one_way_to_name_kinds(self, data, original, **kwargs):
        given = original if isinstance(original, dict) else {}
        named = {key for key in ("data_kind", "data_kinds") if given.get(key) is not None}
        if len(named) != 1:
            raise ValidationError("Send either data_kind or data_kinds, not both.",
                                  "data_kinds")

    @post_load
    def kinds_as_list(self, data, **kwargs):
        single = data.pop("data_kind")
        if single is not None:
            data["data_kinds"] = [single]
        return data


class ConsentOut(Schema):
    """A `consent.ConsentState`: the consent row and whether it counts now."""

    id = fields.Integer(required=True, attribute="consent.id")
    purpose = fields.String(required=True, attribute="consent.purpose")
    purpose_label = Label(PURPOSE_LABELS, source="consent.purpose")
    data_kind = fields.String(required=True, attribute="consent.data_kind")
    data_kind_label = Label(DATA_KIND_LABELS, source="consent.data_kind")
    policy_version = fields.String(required=True, attribute="consent.policy_version")
    subject_name = fields.String(allow_none=True, attribute="consent.subject_name")
    guardian_relation = fields.String(allow_none=True, attribute="consent.guardian_relation")
    guardian_relation_label = Label(GUARDIAN_RELATION_LABELS, source="consent.guardian_relation",
                                    required=False, allow_none=True)
    recorded_by = fields.Integer(allow_none=True, attribute="consent.recorded_by")
    paper_reference = fields.String(allow_none=True, attribute="consent.paper_reference")
    granted_at = ShanghaiDateTime(required=True, attribute="consent.granted_at")
    withdrawn_at = ShanghaiDateTime(allow_none=True, attribute="consent.withdrawn_at")
    counts = fields.Boolean(required=True, metadata={
        "description": "not withdrawn and given for the current policy version"})


class ConsentList(Schema):
    items = fields.List(fields.Nested(ConsentOut), required=True)


class DataExport(Schema):
    profile = fields.Dict(required=True)
    memberships = fields.List(fields.Dict(), required=True)
    aid_applications = fields.List(fields.Dict(), required=True)
    bids = fields.List(fields.Dict(), required=True)
    projects_led = fields.List(fields.Dict(), required=True)
    project_teams = fields.List(fields.Dict(), required=True)
    checkins = fields.List(fields.Dict(), required=True)
    feedback = fields.List(fields.Dict(), required=True)
    event_signups = fields.List(fields.Dict(), required=True)
    training_requests = fields.List(fields.Dict(), required=True)
    event_works = fields.List(fields.Dict(), required=True)
    messages = fields.List(fields.Dict(), required=True)
    consents = fields.List(fields.Dict(), required=True)
    files = fields.List(fields.Dict(), required=True)
    deletion_request = fields.Dict(allow_none=True)


class DeletionBlocker(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["aid_application",
                                                                 "membership"]))
    id = fields.Integer(required=True)
    status = fields.String(required=True)


class DeletionRequestOut(Schema):
    id = fields.Integer(required=True)
    status_label = Label(DELETION_STATUS_LABELS, source="status")
    status = fields.String(required=True, validate=validate.OneOf(DELETION_STATUSES),
                           metadata={"description": "blocked: open applications need the data "
                                                    "(see reasons); scheduled: erased on "
                                                    "erase_at; done: erased"})
    reasons = fields.List(fields.Nested(DeletionBlocker), required=True)
    requested_at = ShanghaiDateTime(required=True)
    erase_at = ShanghaiDateTime(allow_none=True)
    erased_at = ShanghaiDateTime(allow_none=True)


# Far-off years would overflow when converted to UTC: keep periods within reason, the years
# 2000 … 2199 as written (in the time's own offset), stated as a pattern in the document.
YEARS_PATTERN = "^(20|21)[0-9]{2}-"


def _within_years(value: datetime) -> None:
    if not 2000 <= value.year <= 2199:
        raise ValidationError(N_("Use a time between the years 2000 and 2199."))


PERIOD = _within_years


class PiiAccessFilter(StrictSchema):
    officer_id = id_field(load_default=None)
    start = fields.AwareDateTime(data_key="from", load_default=None, default_timezone=SHANGHAI,
                                 validate=PERIOD,
                                 metadata={"description": "inclusive; no offset → Shanghai",
                                           "pattern": YEARS_PATTERN})
    end = fields.AwareDateTime(data_key="to", load_default=None, default_timezone=SHANGHAI,
                               validate=PERIOD, metadata=domain_rule("after from",
                                                                     description="exclusive",
                                                                     pattern=YEARS_PATTERN))

    @validates_schema(skip_on_field_errors=False)
    def period_in_order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise ValidationError("must be after from", "to")


class PiiAccessQuery(PiiAccessFilter, ListQuerySchema):
    pass


class PiiOfficerRef(Schema):
    id = fields.Integer(allow_none=True)
    nickname = fields.String(allow_none=True)


class PiiOrgRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PiiAccessOut(Schema):
    """A row of `access_review.access_query` (audit columns, org name, officer nickname)."""

    id = fields.Integer(required=True)
    at = ShanghaiDateTime(required=True, attribute="created_at")
    action = fields.String(required=True)
    officer = Nest(PiiOfficerRef, required=True, id="actor_id", nickname="officer_nickname")
    org = Nest(PiiOrgRef, required=True, id="org_id", name="org_name")
    target_type = fields.String(required=True)
    target_id = fields.String(required=True)
    field = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


PiiAccessPage = page_schema(PiiAccessOut, "PiiAccessPage")
