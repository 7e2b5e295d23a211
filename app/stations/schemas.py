"""Request and response shapes of the stations API."""

import re

from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from app.core.http import ListQuerySchema, ShanghaiDateTime, StrictSchema, id_field, page_schema
from app.stations.vocab import HOST_TYPES, KINDS, SERVICES, STATUSES

COORDS = ("gcj02", "wgs84", "bd09")


class LocationIn(StrictSchema):
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    lng = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    coord = fields.String(load_default="gcj02", validate=validate.OneOf(COORDS))


class LocationOut(Schema):
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    coord = fields.String(required=True)


class NearbyQuery(StrictSchema):
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    lng = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    coord = fields.String(load_default="gcj02", validate=validate.OneOf(COORDS))
    radius = fields.Integer(load_default=1000, validate=validate.Range(1, 5000))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 50))
    services = DelimitedList(fields.String(validate=validate.OneOf(list(SERVICES))),
                             load_default=list)
    open_now = fields.Boolean(load_default=False)


_DEGREES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,15})?")
_COUNT = re.compile(r"[0-9]{1,4}")
_FLAGS = {"true": True, "false": False, "1": True, "0": False}
_MAXIMA = {"lat": 90.0, "lng": 180.0, "radius": 5000, "limit": 50}


def nearby_query_fast(args) -> dict | None:
    """NearbyQuery's answer for the plain well-formed query, without marshmallow (the hot
    path of the public search); None for anything else, which NearbyQuery then parses.

    Accepts only canonical spellings (decimal degrees, plain counts, known codes, true/false/
    1/0) of known keys given once, so it can only agree with the schema or step aside.
    """
    found = {"coord": "gcj02", "radius": 1000, "limit": 20, "services": [], "open_now": False}
    for key, values in args.lists():
        if len(values) != 1:
            return None
        value = values[0]
        if key == "lat" or key == "lng":
            if not _DEGREES.fullmatch(value):
                return None
            number = float(value)
            if abs(number) > _MAXIMA[key]:
                return None
            found[key] = number
        elif key == "radius" or key == "limit":
            if not _COUNT.fullmatch(value):
                return None
            count = int(value)
            if not 1 <= count <= _MAXIMA[key]:
                return None
            found[key] = count
        elif key == "coord":
            if value not in COORDS:
                return None
            found[key] = value
        elif key == "services":
            codes = value.split(",")
            if not all(code in SERVICES for code in codes):
                return None
            found[key] = codes
        elif key == "open_now":
            flag = _FLAGS.get(value)
            if flag is None:
                return None
            found[key] = flag
        else:
            return None
    return found if "lat" in found and "lng" in found else None


class OpenLocation(Schema):
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)
    scale = fields.Integer(required=True)


class Links(Schema):
    amap = fields.String(required=True)
    baidu = fields.String(required=True)
    tencent = fields.String(required=True)
    open_location = fields.Nested(OpenLocation, required=True)


class NearbyItem(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    address = fields.String(required=True)
    code = fields.String(required=True)
    location = fields.Nested(LocationOut, required=True)
    distance_m = fields.Integer(required=True)
    walk_minutes = fields.Integer(required=True)
    open_now = fields.Boolean(required=True)
    services = fields.List(fields.String(), required=True)
    links = fields.Nested(Links, required=True)


class NearbyResult(Schema):
    items = fields.List(fields.Nested(NearbyItem), required=True)
    radius_m = fields.Integer(required=True)
    nearest_outside = fields.Nested(NearbyItem, allow_none=True, required=True)


class ServiceLabel(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)


class ServiceList(Schema):
    items = fields.List(fields.Nested(ServiceLabel), required=True)


class StationWrite(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    host_type = fields.String(validate=validate.OneOf(HOST_TYPES))
    partner_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    address = fields.String(validate=validate.Length(min=1, max=200))
    location = fields.Nested(LocationIn)
    services = fields.List(fields.String(validate=validate.OneOf(list(SERVICES))),
                           validate=validate.Length(max=len(SERVICES)))
    opening_hours = fields.Dict()
    phone = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9+\- ]{5,20}$"))
    photos = fields.List(fields.String(validate=validate.Length(max=200)),
                         validate=validate.Length(max=9))
    status = fields.String(validate=validate.OneOf(STATUSES))
    amap_poi_id = fields.String(allow_none=True, validate=validate.Length(max=32))
    baidu_uid = fields.String(allow_none=True, validate=validate.Length(max=32))


class StationCreate(StationWrite):
    org_id = id_field(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)))
    host_type = fields.String(required=True, validate=validate.OneOf(HOST_TYPES))
    address = fields.String(required=True, validate=validate.Length(min=1, max=200))
    location = fields.Nested(LocationIn, required=True)
    services = fields.List(fields.String(validate=validate.OneOf(list(SERVICES))),
                           required=True, validate=validate.Length(max=len(SERVICES)))
    opening_hours = fields.Dict(required=True)


class StationUpdate(StationWrite):
    version = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class StationOut(Schema):
    id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    host_type = fields.String(required=True)
    partner_name = fields.String(allow_none=True)
    address = fields.String(required=True)
    location = fields.Nested(LocationOut, required=True)
    services = fields.List(fields.String(), required=True)
    opening_hours = fields.Dict(required=True)
    open_now = fields.Boolean(required=True)
    phone = fields.String(allow_none=True)
    photos = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    amap_poi_id = fields.String(allow_none=True)
    baidu_uid = fields.String(allow_none=True)
    rating = fields.Float(allow_none=True)
    rating_count = fields.Integer(required=True)
    links = fields.Nested(Links, required=True)
    version = fields.Integer(required=True)
    updated_at = ShanghaiDateTime(required=True)


StationPage = page_schema(StationOut, "StationPage")


class OrgStationsQuery(ListQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class CheckinOut(Schema):
    counted = fields.Boolean(required=True, metadata={
        "description": "false when this user was already counted here in the last 10 minutes"})
    visits_today = fields.Integer(required=True)


class VisitsQuery(StrictSchema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")


class VisitDayOut(Schema):
    day = fields.Date(required=True)
    visits = fields.Integer(required=True)


class VisitList(Schema):
    items = fields.List(fields.Nested(VisitDayOut), required=True)


class FeedbackCreate(StrictSchema):
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    text = fields.String(load_default=None, validate=validate.Length(max=500))


class FeedbackOut(Schema):
    id = fields.Integer(required=True)
    station_id = fields.Integer(required=True)
    rating = fields.Integer(required=True)
    text = fields.String(allow_none=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    answer = fields.String(allow_none=True)
    answered_at = ShanghaiDateTime(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


FeedbackPage = page_schema(FeedbackOut, "FeedbackPage")


class FeedbackReview(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class FeedbackAnswer(StrictSchema):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=500))
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class ImportQuery(StrictSchema):
    dry_run = fields.Boolean(load_default=False)


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportResult(Schema):
    rows = fields.Integer(required=True)
    created = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)


class GeoJson(Schema):
    type = fields.String(required=True)
    features = fields.List(fields.Dict(), required=True)
