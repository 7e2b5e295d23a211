"""Request and response shapes of the identity API."""

from marshmallow import Schema, fields, validate

from app.core.http import ShanghaiDateTime, StrictSchema


class WxLogin(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class PhoneBind(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class RoleOut(Schema):
    org_id = fields.Integer(required=True)
    org_name = fields.String(required=True)
    role = fields.String(required=True)


class UserOut(Schema):
    id = fields.Integer(required=True)
    nickname = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "masked, e.g. 138****5678"})
    roles = fields.List(fields.Nested(RoleOut), required=True)
    created_at = ShanghaiDateTime(required=True)


class TokenPair(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})
    user = fields.Nested(UserOut, required=True)
