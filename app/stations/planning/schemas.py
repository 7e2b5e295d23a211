"""Request and response shapes of coverage planning (demand points, candidates, picks)."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from app.core.contract import domain_rule
from app.core.fields import lat_field, lng_field
from app.core.http import StrictSchema
from app.stations.schemas import COORDS, TABLE_CODES

MAX_POINTS = 200_000
MAX_CANDIDATES = 5_000
MAX_WEIGHT = 1_000_000
LISTED_ERRORS = 100


class DemandPoint(StrictSchema):
    lat = lat_field(required=True)
    lng = lng_field(required=True)
    weight = fields.Float(load_default=1.0, validate=validate.Range(0, MAX_WEIGHT),
                          metadata={"description": "how many workers gather here (default 1)"})


POINT_KEYS = frozenset({"lat", "lng", "weight"})
NUMBER_TYPES = frozenset({int, float})  # by exact type: bool is an int subclass


def plain_point(item) -> dict | None:
    """The loaded point when `item` is plainly valid, else None (let the schema explain)."""
    if type(item) is not dict or not item.keys() <= POINT_KEYS:
        return None
    lat, lng, weight = item.get("lat"), item.get("lng"), item.get("weight", 1.0)
    if (type(lat) not in NUMBER_TYPES or type(lng) not in NUMBER_TYPES
            or type(weight) not in NUMBER_TYPES):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180 and 0 <= weight <= MAX_WEIGHT):
        return None  # also NaN and infinities
    return {"lat": float(lat), "lng": float(lng), "weight": float(weight)}


class DemandPoints(fields.List):
    """A list of `DemandPoint` checked in one pass: a per-item `Nested` load costs about
    9 µs a point (2 s for 200,000); the schema only runs on items that are not plainly valid,
    so error messages stay marshmallow's."""

    def __init__(self, **kwargs) -> None:
        super().__init__(fields.Nested(DemandPoint), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> list[dict]:
        if not isinstance(value, list):
            raise self.make_error("invalid")
        self._validate(value)  # the length, before any per-item work
        schema, points, errors = DemandPoint(), [], {}
        for index, item in enumerate(value):
            point = plain_point(item)
            if point is None:
                try:
                    point = schema.load(item)
                except ValidationError as error:
                    errors[index] = error.messages
                    if len(errors) >= LISTED_ERRORS:
                        break
            points.append(point)
        if errors:
            raise ValidationError(errors)
        return points


def points_field() -> DemandPoints:
    return DemandPoints(required=True, validate=validate.Length(min=1, max=MAX_POINTS),
                        metadata={"description": f"demand points, at most {MAX_POINTS:,}"})


def coord_field() -> fields.String:
    return fields.String(load_default="gcj02", validate=validate.OneOf(COORDS),
                         metadata={"description": "coordinate system of every point given"})


def radius_field() -> fields.Integer:
    return fields.Integer(load_default=1000, validate=validate.Range(50, 5000),
                          metadata={"description": "service circle radius in metres"})


class CoverageRequest(StrictSchema):
    points = points_field()
    coord = coord_field()
    radius_m = radius_field()


class CoverageCsvQuery(StrictSchema):
    coord = coord_field()
    radius_m = radius_field()


class CsvUpload(StrictSchema):
    file = Upload(required=True, metadata={**domain_rule(
        "the content: a readable CSV with lat and lng columns",
        codes=(*TABLE_CODES, "validation_error")),
        "description": (
        "CSV (UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030) with a header row "
        "naming the columns lat, lng and optionally "
        f"weight; other columns are ignored; at most {MAX_POINTS:,} rows")})


class CandidateSite(StrictSchema):
    id = fields.String(validate=validate.Length(max=64),
                       metadata={"description": "your reference, echoed back"})
    name = fields.String(validate=validate.Length(max=100))
    lat = lat_field(required=True)
    lng = lng_field(required=True)


class PlanRequest(StrictSchema):
    points = points_field()
    candidates = fields.List(
        fields.Nested(CandidateSite), required=True,
        validate=validate.Length(min=1, max=MAX_CANDIDATES),
        metadata={"description": f"candidate sites, at most {MAX_CANDIDATES:,}"})
    k = fields.Integer(required=True, validate=validate.Range(1, 50),
                       metadata={"description": "how many sites to pick"})
    coord = coord_field()
    radius_m = radius_field()


class PlainList(fields.List):
    """Output list whose items the service already built as plain JSON values: documented
    like a list of the nested schema, passed through as is (dumping 200,000 points through
    marshmallow takes 3 s)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class PointOut(Schema):
    index = fields.Integer(required=True, metadata={"description": "0-based position in input"})
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    weight = fields.Float(required=True)


class CoverageOut(Schema):
    radius_m = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "number of demand points"})
    covered = fields.Integer(required=True, metadata={"description": "points within the radius "
                                                      "of an active station of the subtree"})
    total_weight = fields.Float(required=True)
    covered_weight = fields.Float(required=True)
    share = fields.Float(required=True, metadata={"description": "covered / total weight"})
    uncovered = PlainList(fields.Nested(PointOut), required=True,
                            metadata={"description": "in the coordinates given"})


class CandidateOut(Schema):
    index = fields.Integer(required=True, metadata={"description": "0-based position in input"})
    id = fields.String()
    name = fields.String()
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)


class PickOut(Schema):
    candidate = fields.Nested(CandidateOut, required=True)
    gain = fields.Float(required=True, metadata={"description": "demand weight this pick adds"})
    covered_after = fields.Float(required=True)


class PlanOut(Schema):
    radius_m = fields.Integer(required=True)
    total = fields.Float(required=True, metadata={"description": "total demand weight"})
    covered_before = fields.Float(required=True,
                                  metadata={"description": "weight already covered by active "
                                            "stations of the subtree"})
    covered_after = fields.Float(required=True)
    picks = fields.List(fields.Nested(PickOut), required=True,
                        metadata={"description": "in pick order; fewer than k when the rest "
                                  "would add nothing"})
