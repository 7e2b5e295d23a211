"""Request and response shapes of the identity API."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.auth.service import avatar_url
from app.core.contract import DOMAIN_RULE, domain_rule
from app.core.crypto import mask_phone
from app.core.fields import Label, Masked, text
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.labels import ROLES
from app.members.models import STATUS_LABELS as MEMBERSHIP_LABELS


class WxLogin(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128),
                         metadata=domain_rule("WeChat judges the code: an unknown, expired or "
                                              "used one is 422 phone_code_invalid"))


class PhoneBind(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128),
                         metadata=domain_rule("WeChat judges the code: an unknown, expired or "
                                              "used one is 422 phone_code_invalid"))


class ProfileUpdate(StrictSchema):
    class Meta(StrictSchema.Meta):
        openapi_rules = {"minProperties": 1}  # something_to_change

    nickname = text(32, metadata={"description": "from `<input type=\"nickname\">` (WeChat "
                                                 "security-checks it in the input)"})
    avatar_file_id = id_field(allow_none=True, metadata={
        DOMAIN_RULE: "a JPEG or PNG file the caller uploaded",
        "description": "an image the caller uploaded through POST /files (the `chooseAvatar` "
                       "temp file); null removes the picture"})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def something_to_change(self, data, original, **kwargs):
        given = original if isinstance(original, dict) else {}
        if not {"nickname", "avatar_file_id"} & given.keys():
            raise ValidationError("Send a new nickname or picture to change.", "nickname")


class AvatarUrl(fields.String):
    """The absolute URL of a user's public picture (null without one); `user` is the path to
    the user from the dumped object ("" when it is the user)."""

    def __init__(self, *, user: str = "", **kwargs) -> None:
        super().__init__(allow_none=True, metadata={
            "description": "the user's picture (public, cacheable), null without one",
            "format": "uri"}, **kwargs)
        self.user_path = user

    def get_value(self, obj, attr, accessor=None, default=None):
        for part in filter(None, self.user_path.split(".")):
            obj = getattr(obj, part)
        return avatar_url(obj)


def display_name(attribute: str) -> fields.String:
    return fields.String(required=True, attribute=attribute, metadata={
        "description": "the nickname, or 微信用户 and four digits fixed per user: never null"})


class RoleOut(Schema):
    """One role grant (an OfficerRole with its org)."""

    org_id = fields.Integer(required=True)
    org_name = fields.String(required=True, attribute="org.name")
    role = fields.String(required=True)
    role_label = Label(ROLES, source="role")


class MembershipStateOut(Schema):
    """A `service.MembershipState`."""

    status = fields.String(required=True, validate=validate.OneOf(list(MEMBERSHIP_LABELS)),
                           metadata={"description": "none: never applied; else the live "
                                                    "(pending, approved) or latest application"})
    status_label = Label(MEMBERSHIP_LABELS, source="status", required=True)
    id = fields.Integer(allow_none=True, metadata={"description": "the membership application"})
    version = fields.Integer(allow_none=True)
    org = fields.Nested(OrgRef, allow_none=True, metadata={"description": "the org applied to"})


class UserOut(Schema):
    """A `service.Profile`: the user and their role grants."""

    id = fields.Integer(required=True, attribute="user.id")
    nickname = fields.String(allow_none=True, attribute="user.nickname",
                             metadata={"description": "null until the user sets one"})
    display_name = display_name("user.display_name")
    avatar_url = AvatarUrl(user="user")
    phone = Masked(mask_phone, allow_none=True, attribute="user.phone",
                   metadata={"description": "masked, e.g. 138****5678"})
    roles = fields.List(fields.Nested(RoleOut), required=True, attribute="grants")
    verifier_roles = fields.List(
        fields.Nested(RoleOut), required=True, attribute="verifier_grants",
        metadata={"description": "card verifier grants (station staff, merchants): they check "
                                 "member cards at the org's stations and pick-up points only; "
                                 "not in `roles`"})
    membership = fields.Nested(MembershipStateOut, required=True)
    created_at = ShanghaiDateTime(required=True, attribute="user.created_at")


class TokenPair(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})
    user = fields.Nested(UserOut, required=True, attribute="profile")
