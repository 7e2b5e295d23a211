"""Shapes of the workbench API."""

from datetime import datetime

from marshmallow import Schema, ValidationError, fields, validate

from app.core.contract import domain_rule
from app.core.fields import Label, Nest, version_field
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.i18n import N_
from app.core.labels import TODO_KINDS
from app.core.pagination import ListQuerySchema, cursor_field, page_schema
from app.core.todos import KINDS


def known_kind(value: str) -> None:
    """The kinds the domains registered (known only once the app is built)."""
    if value not in KINDS:
        raise ValidationError(N_("Unknown to-do kind; use one of %(kinds)s.")
                              % {"kinds": ", ".join(sorted(KINDS))})


def _kind_field() -> fields.String:
    field = fields.String(load_default=None, validate=known_kind, metadata={
        "description": "one to-do kind (an unknown kind is 422 naming the known ones)"})
    field.openapi_enum = lambda: KINDS  # documented once the domains registered theirs
    return field


class TodoQuery(ListQuerySchema):
    kind = _kind_field()
    cursor = cursor_field(datetime, int)  # (waiting_since, id)
    org_id = id_field(load_default=None, metadata=domain_rule(
        "an org the caller holds an officer role over"))


class TodoOut(Schema):
    kind = fields.String(required=True)
    kind_label = Label(TODO_KINDS, source="kind")
    id = fields.Integer(required=True, attribute="object_id")
    title = fields.String(required=True)
    summary = fields.String(required=True)
    org = Nest(OrgRef, required=True, id="org_id", name="org_name")
    waiting_since = ShanghaiDateTime(required=True)
    version = fields.Integer(required=True)
    action = fields.String(required=True, metadata={"description": "endpoint to POST a decision"})
    batchable = fields.Boolean(required=True, metadata={
        "description": "true exactly when POST /workbench/batch-decisions accepts this item"})


TodoPage = page_schema(TodoOut, "TodoPage")


class Counts(Schema):
    total = fields.Integer(required=True)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class BatchItem(StrictSchema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=32))
    id = id_field(required=True)
    version = version_field()


class BatchIn(StrictSchema):
    items = fields.List(fields.Nested(BatchItem), required=True,
                        validate=validate.Length(min=1, max=100))
    action = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    comment = fields.String(load_default=None, validate=validate.Length(max=500))


class BatchResult(Schema):
    kind = fields.String(required=True)
    id = fields.Integer(required=True)
    status = fields.Integer(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)
    version = fields.Integer(allow_none=True, metadata={
        "description": "the item's new version when decided (status 200), else null"})


class BatchOut(Schema):
    results = fields.List(fields.Nested(BatchResult), required=True)
