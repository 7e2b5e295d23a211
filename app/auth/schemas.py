"""Request and response shapes of the identity API."""

from marshmallow import Schema, fields, validate

from app.core.crypto import mask_phone
from app.core.fields import Label, Masked
from app.core.http import ShanghaiDateTime, StrictSchema
from app.core.labels import ROLES


class WxLogin(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class PhoneBind(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class RoleOut(Schema):
    """One role grant (an OfficerRole with its org)."""

    org_id = fields.Integer(required=True)
    org_name = fields.String(required=True, attribute="org.name")
    role = fields.String(required=True)
    role_label = Label(ROLES, source="role")


class UserOut(Schema):
    """A `service.Profile`: the user and their role grants."""

    id = fields.Integer(required=True, attribute="user.id")
    nickname = fields.String(allow_none=True, attribute="user.nickname")
    phone = Masked(mask_phone, allow_none=True, attribute="user.phone",
                   metadata={"description": "masked, e.g. 138****5678"})
    roles = fields.List(fields.Nested(RoleOut), required=True, attribute="grants")
    created_at = ShanghaiDateTime(required=True, attribute="user.created_at")


class TokenPair(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})
    user = fields.Nested(UserOut, required=True, attribute="profile")
