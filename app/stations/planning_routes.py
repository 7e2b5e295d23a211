"""Coverage planning endpoints: how much demand open stations cover, where to build next."""

from __future__ import annotations

import csv
import io

from flask import request
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from app.auth.current import current_user
from app.core.http import ApiBlueprint, StrictSchema
from app.errors import Invalid
from app.stations import coverage

blp = ApiBlueprint("station_planning", __name__,
                   description="Station coverage planning (服务圈覆盖规划)")

COORDS = ("gcj02", "wgs84", "bd09")
MAX_POINTS = 200_000
MAX_CANDIDATES = 5_000
MAX_WEIGHT = 1_000_000
# 200,000 points as JSON or CSV exceed the app-wide 10 MB body limit.
MAX_BODY_BYTES = 24 * 1024 * 1024
LISTED_ERRORS = 100


@blp.before_request
def allow_large_bodies() -> None:
    request.max_content_length = MAX_BODY_BYTES


def latitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-90, 90), **kwargs)


def longitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(-180, 180), **kwargs)


class DemandPoint(StrictSchema):
    lat = latitude(required=True)
    lng = longitude(required=True)
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
    file = Upload(required=True, metadata={"description": (
        "CSV (UTF-8 or GB18030) with a header row naming the columns lat, lng and optionally "
        f"weight; other columns are ignored; at most {MAX_POINTS:,} rows")})


class CandidateSite(StrictSchema):
    id = fields.String(validate=validate.Length(max=64),
                       metadata={"description": "your reference, echoed back"})
    name = fields.String(validate=validate.Length(max=100))
    lat = latitude(required=True)
    lng = longitude(required=True)


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


def points_from_csv(data: bytes) -> list[dict]:
    """Rows of an uploaded CSV as demand points; bad rows → 422 listing their line numbers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise Invalid("The file is neither UTF-8 nor GB18030 text.") from None
    try:
        items, lines = read_rows(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    except csv.Error as error:
        raise Invalid(f"The file is not valid CSV: {error}.") from None
    if not items:
        raise Invalid("The file holds no rows.")
    try:
        return DemandPoints().deserialize(items)
    except ValidationError as error:
        rows = [{"row": lines[index], "fields": problems}
                for index, problems in sorted(error.messages.items())]
        raise Invalid("Some rows of the file are invalid.", details={"rows": rows}) from None


def read_rows(reader) -> tuple[list[dict], list[int]]:
    """Raw cells by column name (numbers parsed) and the line each row ends on."""
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in ("lat", "lng") if name not in header]
    if missing:
        raise Invalid("The CSV header must name the columns lat and lng (weight optional).",
                      details={"missing_columns": missing})
    columns = {name: header.index(name) for name in ("lat", "lng", "weight") if name in header}
    items, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(items) == MAX_POINTS:
            raise Invalid(f"The file may hold at most {MAX_POINTS:,} rows.",
                          details={"max_rows": MAX_POINTS})
        item = {}
        for name, position in columns.items():
            cell = row[position].strip() if position < len(row) else ""
            if cell or name != "weight":
                item[name] = number_or_text(cell)
        items.append(item)
        lines.append(reader.line_num)
    return items, lines


def number_or_text(cell: str) -> float | str:
    try:
        return float(cell)
    except ValueError:
        return cell


@blp.route("/orgs/<int:org_id>/station-coverage")
class CoverageView(MethodView):
    @blp.auth()
    @blp.arguments(CoverageRequest)
    @blp.response(200, CoverageOut)
    @blp.errors(404, 413)
    def post(self, body, org_id):
        """Share of the demand within the radius of the subtree's active stations (服务圈覆盖率)."""
        return coverage.coverage_for_org(actor_id=current_user().id, org_id=org_id, **body)


@blp.route("/orgs/<int:org_id>/station-coverage.csv")
class CoverageCsvView(MethodView):
    @blp.auth()
    @blp.arguments(CoverageCsvQuery, location="query")
    @blp.arguments(CsvUpload, location="files")
    @blp.response(200, CoverageOut)
    @blp.errors(404, 413)
    def post(self, query, files, org_id):
        """The same, with the demand points uploaded as a CSV file (bad rows → 422 by line)."""
        points = points_from_csv(files["file"].read())
        return coverage.coverage_for_org(actor_id=current_user().id, org_id=org_id,
                                         points=points, **query)


@blp.route("/orgs/<int:org_id>/station-plan")
class PlanView(MethodView):
    @blp.auth()
    @blp.arguments(PlanRequest)
    @blp.response(200, PlanOut)
    @blp.errors(404, 413)
    def post(self, body, org_id):
        """The k candidate sites that together cover the most demand the subtree's active
        stations miss (greedy maximum coverage), each with its marginal gain."""
        return coverage.plan_for_org(actor_id=current_user().id, org_id=org_id, **body)
