"""Request and response shapes of benefit campaigns, claims, pick-ups and the lottery."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.benefits.models import ALLOCATIONS, CLAIM_STATUSES, KINDS, LOTTERY_STATES
from app.cards.schemas import presented_token
from app.core import idcard
from app.core.contract import NULL_ONLY, domain_rule
from app.core.crypto import mask_id_number, mask_phone
from app.core.fields import (
    ID_NUMBER_PATTERN,
    Label,
    Masked,
    fen_field,
    lat_field,
    lng_field,
    text,
    version_field,
)
from app.core.http import OrgRef, ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.core.time import SHANGHAI
from app.members.models import INDUSTRIES

MAX_QUANTITY = 10_000_000
PHONE = validate.Regexp(r"^1[3-9][0-9]{9}$", error="Use an 11-digit mobile number.")


def _id_number(value: str) -> None:
    problem = idcard.problem_with(value)
    if problem:
        raise ValidationError(problem)


class BenefitPointIn(StrictSchema):
    name = text(100, required=True)
    org_id = id_field(required=True, metadata={"description": "whose officers redeem here"})
    station_id = id_field(load_default=None, allow_none=True,
                          metadata=domain_rule("a station that exists"))
    address = text(200, load_default=None, allow_none=True)
    lat = lat_field(load_default=None, allow_none=True)
    lng = lng_field(load_default=None, allow_none=True)
    stock = fields.Integer(strict=True, required=True,
                           validate=validate.Range(min=1, max=MAX_QUANTITY))


class CampaignCreate(StrictSchema):
    owner_org_id = id_field(required=True)
    name = text(100, required=True)
    description = text(1000, load_default=None, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)),
                         metadata={"description": "code_card: codes imported from a file; "
                                                  "supply: goods picked up at points; "
                                                  "enrolment: a list sent to a provider"})
    allocation = fields.String(load_default="first_come",
                               validate=validate.OneOf(list(ALLOCATIONS)))
    eligible_org_ids = fields.List(id_field(), required=True,
                                   validate=validate.Length(min=1, max=100),
                                   metadata=domain_rule("orgs that exist, under the owner org"))
    industry = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(list(INDUSTRIES)))
    women_only = fields.Boolean(load_default=False)
    card_pickup = fields.Boolean(load_default=False, metadata={
        "description": "supply only: the pick-up point's staff may also hand the goods over "
                       "on the member's card QR (`POST /benefits/{id}/card-pickups`)"})
    quantity = fields.Integer(strict=True, load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=MAX_QUANTITY),
                              metadata={"description": "enrolment only (supply: the points' "
                                                       "stock; code_card: the imported codes)"})
    unit_fen = fen_field(load_default=0, metadata={"description": "the value of one unit, "
                                                                  "posted to the journal"})
    provider = text(100, load_default=None, allow_none=True)
    opens_at = fields.AwareDateTime(required=True, default_timezone=SHANGHAI)
    closes_at = fields.AwareDateTime(required=True, default_timezone=SHANGHAI,
                                     metadata=domain_rule("after opens_at"))
    pickup_until = fields.AwareDateTime(load_default=None, allow_none=True,
                                        default_timezone=SHANGHAI,
                                        metadata=domain_rule("not before closes_at"))
    points = fields.List(fields.Nested(BenefitPointIn), load_default=list,
                         validate=validate.Length(max=500),
                         metadata=domain_rule(
                             "each point's org under the owner org; the stocks together "
                             f"at most {MAX_QUANTITY}"))

    class Meta(StrictSchema.Meta):
        # the kind decides the quantity: supply by its points' stock, code_card by the
        # imported codes (neither takes a quantity), enrolment by its own quantity (no points)
        openapi_rules = {"oneOf": [
            {"properties": {"kind": {"type": "string", "enum": ["supply"]},
                            "points": {"type": "array", "minItems": 1},
                            "quantity": NULL_ONLY},
             "required": ["kind", "points"]},
            {"properties": {"kind": {"type": "string", "enum": ["code_card"]},
                            "points": {"type": "array", "maxItems": 0},
                            "quantity": NULL_ONLY, "card_pickup": {"enum": [False]}},
             "required": ["kind"]},
            {"properties": {"kind": {"type": "string", "enum": ["enrolment"]},
                            "points": {"type": "array", "maxItems": 0},
                            "quantity": {"type": "integer", "minimum": 1,
                                         "maximum": MAX_QUANTITY},
                            "card_pickup": {"enum": [False]}},
             "required": ["kind", "quantity"]},
        ]}

    @validates_schema(skip_on_field_errors=False)
    def consistent(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        if "opens_at" in data and "closes_at" in data and data["opens_at"] >= data["closes_at"]:
            errors.setdefault("closes_at", []).append("must be after opens_at")
        if (data.get("pickup_until") and data.get("closes_at")
                and data["pickup_until"] < data["closes_at"]):
            errors.setdefault("pickup_until", []).append("must not be before closes_at")
        kind = data.get("kind")
        # named on `kind`: the nested `points` may carry item errors keyed by index
        if kind == "supply" and "points" in data and not data["points"]:
            errors.setdefault("kind", []).append("a supply campaign needs pick-up points")
        if kind in ("code_card", "enrolment") and data.get("points"):
            errors.setdefault("kind", []).append("only a supply campaign has pick-up points")
        if kind in ("code_card", "enrolment") and data.get("card_pickup"):
            errors.setdefault("card_pickup", []).append(
                "only a supply campaign is picked up with the member card")
        if kind == "enrolment" and not data.get("quantity"):
            errors.setdefault("quantity", []).append("an enrolment needs a quantity")
        if kind in ("code_card", "supply") and data.get("quantity"):
            errors.setdefault("quantity", []).append(
                "set by the imported codes or the points' stock")
        if errors:
            raise ValidationError(errors)


class BenefitPointOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    address = fields.String(allow_none=True)
    station_id = fields.Integer(allow_none=True)
    org = fields.Nested(OrgRef, required=True)
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)
    stock = fields.Integer(required=True)
    left = fields.Integer(required=True)
    distance_m = fields.Integer(allow_none=True)


class CampaignOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    kind = fields.String(required=True)
    kind_label = Label(KINDS, source="kind")
    allocation = fields.String(required=True)
    allocation_label = Label(ALLOCATIONS, source="allocation")
    owner_org = fields.Nested(OrgRef, required=True)
    eligible_orgs = fields.List(fields.Nested(OrgRef), required=True)
    industry = fields.String(allow_none=True)
    industry_label = Label(INDUSTRIES, source="industry", allow_none=True, required=False)
    women_only = fields.Boolean(required=True)
    card_pickup = fields.Boolean(required=True)
    quantity = fields.Integer(required=True)
    claimed = fields.Integer(required=True)
    left = fields.Integer(required=True)
    unit_fen = fields.Integer(required=True)
    provider = fields.String(allow_none=True)
    opens_at = ShanghaiDateTime(required=True)
    closes_at = ShanghaiDateTime(required=True)
    pickup_until = ShanghaiDateTime(allow_none=True)
    lottery_state = fields.String(required=True)
    lottery_state_label = Label(LOTTERY_STATES, source="lottery_state")
    version = fields.Integer(required=True)
    eligible_for_viewer = fields.Boolean(allow_none=True)


CampaignPage = page_schema(CampaignOut, "BenefitCampaignPage")


class CampaignDetail(CampaignOut):
    points = fields.Method("_points", required=True,
                           metadata={"type": "array", "items": {"type": "object"}})

    def _points(self, campaign):
        from app.benefits.models import BenefitPoint
        from app.extensions import db

        rows = db.session.scalars(db.select(BenefitPoint).where(
            BenefitPoint.campaign_id == campaign.id).order_by(BenefitPoint.id).limit(500))
        return BenefitPointOut(many=True).dump(rows)


class ClaimIn(StrictSchema):
    class Meta(StrictSchema.Meta):
        # a location is both lat and lng, or neither
        openapi_rules = {"oneOf": [
            {"properties": {"lat": NULL_ONLY, "lng": NULL_ONLY}},
            {"properties": {"lat": {"type": "number"}, "lng": {"type": "number"}},
             "required": ["lat", "lng"]},
        ]}

    point_id = id_field(load_default=None, allow_none=True,
                        metadata={"description": "supply: the pick-up point (else the first "
                                                 "with stock)"})
    lat = lat_field(load_default=None, allow_none=True,
                    metadata={"description": "for the nearest points with stock"})
    lng = lng_field(load_default=None, allow_none=True)
    real_name = text(50, load_default=None, allow_none=True)
    id_number = fields.String(load_default=None, allow_none=True,
                              validate=[validate.Length(equal=18), _id_number],
                              metadata=domain_rule(
                                  "GB 11643 check digit, a birth date from 1900 to today and a "
                                  "GB/T 2260 region code", pattern=ID_NUMBER_PATTERN,
                                  description="enrolment: needed by the provider"))
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)

    @validates_schema(skip_on_field_errors=False)
    def pairs(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise ValidationError("give both lat and lng or neither", "lng")


class ClaimOut(Schema):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    campaign_name = fields.String(required=True, attribute="campaign.name")
    kind = fields.String(required=True, attribute="campaign.kind")
    status = fields.String(required=True)
    status_label = Label(CLAIM_STATUSES, source="status")
    member_name = fields.String(required=True)
    org = fields.Nested(OrgRef, required=True)
    point = fields.Nested(BenefitPointOut, allow_none=True)
    created_at = ShanghaiDateTime(required=True)
    redeemed_at = ShanghaiDateTime(allow_none=True)
    version = fields.Integer(required=True)


class MyClaimOut(ClaimOut):
    """The claimer's own view: the card code and the pick-up code in full."""

    code = fields.String(allow_none=True, metadata={"description": "code_card: the card code"})
    pickup_code = fields.String(allow_none=True)
    nearby_points = fields.List(fields.Nested(BenefitPointOut), required=True)
    id_number = Masked(mask_id_number, allow_none=True)
    phone = Masked(mask_phone, allow_none=True)


ClaimPage = page_schema(ClaimOut, "BenefitClaimPage")
MyClaimPage = page_schema(ClaimOut, "MyBenefitClaimPage")


class CampaignQuery(ListQuerySchema):
    card_pickup = fields.Boolean(load_default=False, metadata={
        "description": "true: instead, the supply campaigns handed over on the member card "
                       "that have a pick-up point in the caller's orgs (officers and card "
                       "verifiers: the campaigns they may hand over at their points)"})


class ClaimQuery(ListQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(list(CLAIM_STATUSES)))


class EntitlementOut(Schema):
    campaign = fields.Nested(CampaignOut, required=True)
    claimed = fields.Boolean(required=True)
    claim = fields.Nested(ClaimOut, allow_none=True)
    deadline = ShanghaiDateTime(required=True)


class EntitlementList(Schema):
    items = fields.List(fields.Nested(EntitlementOut), required=True)


class CardPickupIn(StrictSchema):
    token = presented_token()


class PickupCodePath(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z]{10}$"))


class CodeImportFile(StrictSchema):
    file = Upload(required=True, metadata={"description": (
        "CSV or XLSX, one card code a row under a header `code` (or 卡号, 兑换码); "
        "at most 20,000 codes; all or none are imported")})


class CodeImportOut(Schema):
    imported = fields.Integer(required=True)
    quantity = fields.Integer(required=True)


class RosterQuery(StrictSchema):
    reason = text(200, required=True, metadata={"description": "why the roster is exported "
                                                               "(audited)"})


class OrgCountOut(Schema):
    org = fields.Nested(OrgRef, required=True)
    claims = fields.Integer(required=True)
    redeemed = fields.Integer(required=True)


class CampaignStatsOut(Schema):
    campaign = fields.Nested(CampaignOut, required=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_org = fields.List(fields.Nested(OrgCountOut), required=True)
    spent_fen = fields.Integer(required=True)


class BenefitVersionIn(StrictSchema):
    version = version_field()


class EntrantOut(Schema):
    claim_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "masked"})
    won = fields.Boolean(allow_none=True)


class LotteryOut(Schema):
    campaign_id = fields.Integer(required=True, attribute="campaign.id")
    state = fields.String(required=True)
    state_label = Label(LOTTERY_STATES, source="state")
    quantity = fields.Integer(required=True, attribute="campaign.quantity")
    seed_hash = fields.String(allow_none=True, attribute="campaign.seed_hash",
                              metadata={"description": "sha256 of the seed, published at "
                                                       "commit"})
    entrants_hash = fields.String(allow_none=True, attribute="campaign.entrants_hash")
    seed = fields.String(allow_none=True, metadata={"description": "revealed at the draw"})
    algorithm = fields.Constant(
        "ticket = sha256(seed + ':' + claim_id) hex; sort by (ticket, claim_id); the first "
        "`quantity` win; entrants_hash = sha256(ascending claim ids joined by ',')",
        required=True)
    entrants = fields.List(fields.Nested(EntrantOut), required=True)
    winner_ids = fields.List(fields.Integer(), required=True)
