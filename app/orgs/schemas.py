"""Request and response shapes of the org tree, officers and audit API."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.auth.schemas import display_name
from app.core.contract import domain_rule
from app.core.fields import Label, text
from app.core.http import ShanghaiDateTime, StrictSchema, id_field
from app.core.labels import ROLES as ROLE_LABELS
from app.core.pagination import ListQuerySchema, cursor_field, page_schema
from app.orgs.models import LEVEL_LABELS, LEVELS, ROLES


class OrgOut(Schema):
    id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    level_label = Label(LEVEL_LABELS, source="level")
    region_code = fields.String(allow_none=True)
    depth = fields.Integer(required=True)
    has_children = fields.Boolean(required=True, metadata={
        "description": "true when orgs sit under it (the picker offers another column)"})
    path_names = fields.List(fields.String(), required=True, metadata={
        "description": "names from the top org down to this one, e.g. "
                       "[\"某省总工会\", \"某市总工会\", \"某县总工会\"]"})


class OrgList(Schema):
    """A bounded list (the ancestors of one org): not a page."""

    items = fields.List(fields.Nested(OrgOut), required=True)


OrgPage = page_schema(OrgOut, "OrgPage")


class OrgQuery(ListQuerySchema):
    cursor = cursor_field(int, int)  # (depth, id): a search lists the higher levels first
    parent_id = id_field(load_default=None, metadata={
        "description": "without q: list this org's children (absent: the top orgs); "
                       "with q: search under this org only"})
    q = text(50, load_default=None, metadata={
        "description": "name search: orgs whose name contains this text, the higher "
                       "levels first"})


class OrgCreate(StrictSchema):
    parent_id = id_field(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS),
                          metadata=domain_rule("a level below the parent org's"))
    region_code = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{6,12}$"))


class OrgUpdate(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    region_code = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9]{6,12}$"))
    parent_id = id_field()


class OfficerGrant(StrictSchema):
    class Meta(StrictSchema.Meta):
        openapi_rules = {"oneOf": [{"required": ["user_id"]}, {"required": ["openid"]}]}

    user_id = id_field()
    openid = fields.String(validate=validate.Length(min=1, max=64))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def one_way_to_name_the_user(self, data, original, **kwargs):
        given = original if isinstance(original, dict) else {}
        if ("user_id" in given) == ("openid" in given):
            raise ValidationError("Give exactly one of user_id or openid.", "_schema")


class OfficerOut(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    nickname = fields.String(allow_none=True, attribute="user.nickname")
    display_name = display_name("user.display_name")
    role = fields.String(required=True)
    role_label = Label(ROLE_LABELS, source="role")
    granted_at = ShanghaiDateTime(required=True)


class OfficerList(Schema):
    """The grants on one org: a handful, not a page."""

    items = fields.List(fields.Nested(OfficerOut), required=True)


class AuditQuery(ListQuerySchema):
    action = fields.String(load_default=None, validate=validate.Length(max=48))
    officer_id = id_field(load_default=None)


class AuditOut(Schema):
    id = fields.Integer(required=True)
    created_at = ShanghaiDateTime(required=True)
    actor_id = fields.Integer(allow_none=True)
    actor_role = fields.String(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    action = fields.String(required=True)
    target_type = fields.String(required=True)
    target_id = fields.String(required=True)
    field = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


AuditPage = page_schema(AuditOut, "AuditPage")
