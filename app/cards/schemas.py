"""Request and response shapes of member cards."""

from marshmallow import Schema, fields, validate

from app.cards.models import STATUS_LABELS, VERDICTS
from app.cards.tokens import MAX_TOKEN_LENGTH
from app.core.contract import domain_rule
from app.core.fields import Label, text, version_field
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema


def presented_token(**metadata) -> fields.String:
    """A member card's QR text that another domain accepts (a check-in, a pick-up): refused
    with 422 `card_not_accepted` when it does not verify now (`cards.accept`)."""
    return fields.String(required=True, validate=validate.Length(min=1, max=MAX_TOKEN_LENGTH),
                         metadata=domain_rule(
                             "a member card code that verifies now: signed with a published "
                             "key, not expired, its card active and not transferred",
                             codes=("card_not_accepted",),
                             description="the text of the member's card QR (`GET /me/card` "
                                         "→ `token.token`)", **metadata))


class CardToken(Schema):
    token = fields.String(required=True, metadata={
        "description": "the QR's text: GHC1.<kid>.<payload>.<signature> (app/cards/tokens.py)"})
    expires_at = ShanghaiDateTime(required=True)
    refresh_after_seconds = fields.Integer(required=True)


class CardOut(Schema):
    """A member card. `token` only in the holder's own answer while the card is active."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    number_printed = fields.String(required=True)
    real_name = fields.String(required=True)
    org = fields.Nested(OrgRef, required=True)
    membership_id = fields.Integer(required=True)
    joined_at = ShanghaiDateTime(allow_none=True)
    status = fields.String(required=True)
    status_label = Label(STATUS_LABELS, source="status")
    suspended_reason = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    token = fields.Nested(CardToken, allow_none=True)


class VerifyIn(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TOKEN_LENGTH))


class VerdictOut(Schema):
    """valid, or why not; only a valid card shows its masked name, org and status."""

    valid = fields.Boolean(required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(list(VERDICTS)))
    verdict_label = Label(VERDICTS, source="verdict")
    number = fields.String(allow_none=True)
    masked_name = fields.String(allow_none=True)
    org = fields.Nested(OrgRef, allow_none=True)
    status = fields.String(allow_none=True)
    status_label = Label(STATUS_LABELS, source="status", required=False, allow_none=True)
    expires_at = ShanghaiDateTime(allow_none=True)


class PublicKey(Schema):
    kid = fields.String(required=True)
    kty = fields.String(required=True)
    crv = fields.String(required=True)
    alg = fields.String(required=True)
    use = fields.String(required=True)
    x = fields.String(required=True, metadata={"description": "the raw public key, base64url"})
    current = fields.Boolean(required=True, metadata={
        "description": "the key that signs new tokens (one; the others were retired by a "
                       "rotation and only verify the tokens they signed before)"})
    not_after = ShanghaiDateTime(allow_none=True, metadata={
        "description": "a retired key: no token it signed verifies after this time (refuse "
                       "one whose `exp` is later); null for the current key"})


class KeysOut(Schema):
    keys = fields.List(fields.Nested(PublicKey), required=True)
    token_lifetime_seconds = fields.Integer(required=True)


class SuspendIn(StrictSchema):
    reason = text(500, min_length=2, required=True)
    version = version_field()


class ReinstateIn(StrictSchema):
    version = version_field()
