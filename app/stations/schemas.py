"""Request and response shapes of the stations API; responses dump Station objects.

A station leaves the API in two shapes: `StationOut` (detail, lists) and `NearbyItem` (a
nearby result). A nearby item is the station's card (`cards.card`, this schema without
`PER_REQUEST_FIELDS`, stored in the read model) plus those fields added per request.
"""

import re
from datetime import datetime

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, missing, validate

from app.core.contract import domain_rule
from app.core.fields import (
    Label,
    Labels,
    ListParam,
    lat_field,
    lng_field,
    split_list_param,
    text,
    version_field,
)
from app.core.http import ShanghaiDateTime, StrictSchema, id_field
from app.core.pagination import ListQuerySchema, page_schema
from app.core.tabular import MAX_COLUMNS, last_row_read
from app.core.time import utcnow
from app.stations import hours, template
from app.stations.links import map_links
from app.stations.vocab import (
    HOST_TYPE_LABELS,
    HOST_TYPES,
    KIND_LABELS,
    KINDS,
    SERVICE_LABELS,
    SERVICES,
    STATUS_LABELS,
    STATUSES,
)

COORDS = ("gcj02", "wgs84", "bd09")
MAX_PHOTOS = 9
STORED_COORD = "gcj02"  # what the stations table holds
# spliced per request: they depend on the query, the moment, the language or on counters
# that feedback moves without rewriting the card
PER_REQUEST_FIELDS = ("distance_m", "walk_minutes", "open_now", "today_hours", "services",
                      "rating", "rating_count")
PHOTO_PATH = "/api/v1/stations/photos/%d"  # public, immutable per id (stations.photos)


class _Derived:
    """A field whose value is `of(obj)` (documented like its base field, unlike Method)."""

    def __init__(self, *args, of, **kwargs) -> None:
        self.of = of
        super().__init__(*args, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=missing):
        return self.of(obj)


class DerivedNested(_Derived, fields.Nested):
    pass


class DerivedBoolean(_Derived, fields.Boolean):
    pass


class DerivedFloat(_Derived, fields.Float):
    pass


class DerivedString(_Derived, fields.String):
    pass


class DerivedList(_Derived, fields.List):
    pass


def location_of(station) -> dict:
    return {"lat": station.lat, "lng": station.lng, "coord": STORED_COORD}


def links_of(station) -> dict:
    return map_links(lat=station.lat, lng=station.lng, name=station.name,
                     address=station.address)


def is_open_now(station, when: datetime | None = None) -> bool | None:
    """Active and open at `when` (now) in Asia/Shanghai; None when its hours are unknown."""
    if station.status != "active":
        return False
    return hours.open_at(station.opening_hours, when or utcnow())


def hours_known_of(station) -> bool:
    return hours.known(station.opening_hours)


OPEN_NOW = {"description": "open at this moment (Asia/Shanghai); null when the opening hours "
                           "are unknown (`hours_known: false`), false on a closed date"}
HOURS_KNOWN = {"description": "false when the opening hours are unknown: never show the "
                              "station as open then"}


def photo_ref(photo_id: int) -> dict:
    url = PHOTO_PATH % photo_id
    return {"id": photo_id, "url": url, "thumbnail_url": url + "/thumbnail"}


def photos_of(station) -> list[dict]:
    return [photo_ref(photo_id) for photo_id in station.photos or []]


def thumbnail_of(station) -> str | None:
    """The card's picture: the first photo's thumbnail (None without photos)."""
    photos = station.photos or []
    return photo_ref(photos[0])["thumbnail_url"] if photos else None


def open_location_of(station) -> dict:
    return map_links(lat=station.lat, lng=station.lng, name=station.name,
                     address=station.address)["open_location"]


def rating_of(station) -> float | None:
    """Average of the visible ratings, two decimals (None without any)."""
    average = station.rating_average
    return None if average is None else round(float(average), 2)


class LocationIn(StrictSchema):
    lat = lat_field(required=True)
    lng = lng_field(required=True)
    coord = fields.String(load_default="gcj02", validate=validate.OneOf(COORDS))


class LocationOut(Schema):
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    coord = fields.String(required=True)


class NearbyQuery(StrictSchema):
    lat = lat_field(required=True)
    lng = lng_field(required=True)
    coord = fields.String(load_default="gcj02", validate=validate.OneOf(COORDS))
    radius = fields.Integer(load_default=1000, validate=validate.Range(1, 5000))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 50))
    services = ListParam(fields.String(validate=validate.OneOf(list(SERVICES))),
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
        if key == "services":
            codes = split_list_param(values)
            if not all(code in SERVICES for code in codes):
                return None
            found[key] = codes
            continue
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


class ServiceLabel(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)


PHOTO_URL = {"description": "path on this API's host; the image never changes (cached as "
                            "immutable)"}


class PhotoRef(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata=PHOTO_URL)
    thumbnail_url = fields.String(required=True, metadata={
        "description": "240 px wide JPEG; " + PHOTO_URL["description"]})


class PhotoUpload(StrictSchema):
    file = Upload(required=True, metadata={"description": "a JPEG or PNG photo"})


class NearbyItem(Schema):
    """One nearby card (a list screen's row). The search splices stored cards (this schema
    without PER_REQUEST_FIELDS, dumped from the Station) with the per-request fields. Map
    links for web pages are in the station's detail."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    address = fields.String(required=True)
    code = fields.String(required=True)
    distance_m = fields.Integer(required=True)
    walk_minutes = fields.Integer(required=True)
    open_now = fields.Boolean(required=True, allow_none=True, metadata=OPEN_NOW)
    hours_known = DerivedBoolean(of=hours_known_of, required=True, metadata=HOURS_KNOWN)
    today_hours = fields.String(required=True, metadata={
        "description": "today's opening hours as text (Asia/Shanghai), e.g. 今天 08:00–20:00, "
                       "今天休息, 营业时间未知; English with Accept-Language: en"})
    services = fields.List(fields.Nested(ServiceLabel), required=True)
    rating = fields.Float(required=True, allow_none=True,
                          metadata={"description": "average visible rating, two decimals"})
    rating_count = fields.Integer(required=True)
    thumbnail_url = DerivedString(of=thumbnail_of, required=True, allow_none=True, metadata={
        "description": "the first photo's thumbnail (path on this API's host); null without "
                       "photos"})
    open_location = DerivedNested(OpenLocation, of=open_location_of, required=True, metadata={
        "description": "the parameters of wx.openLocation (GCJ-02)"})


class NearbyResult(Schema):
    items = fields.List(fields.Nested(NearbyItem), required=True)
    radius_m = fields.Integer(required=True)
    nearest_outside = fields.Nested(NearbyItem, allow_none=True, required=True)


class ServiceList(Schema):
    items = fields.List(fields.Nested(ServiceLabel), required=True)


def opening_hours_field(**kwargs) -> fields.Dict:
    """The opening hours (`stations.hours`): their shape stated in the document."""
    return fields.Dict(metadata=domain_rule(
        "a range opens and closes at different times and never opens at 24:00",
        description='{"always": true}; or {"weekly": {"mon": [["08:00", "20:00"]], …}, '
                    '"closed_dates": ["2026-02-10"]}; {} when unknown', **hours.SCHEMA), **kwargs)


class StationWrite(StrictSchema):
    name = text(100)
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    host_type = fields.String(validate=validate.OneOf(HOST_TYPES))
    partner_name = text(100, min_length=None, allow_none=True)
    address = text(200)
    location = fields.Nested(LocationIn)
    services = fields.List(fields.String(validate=validate.OneOf(list(SERVICES))),
                           validate=validate.Length(max=len(SERVICES)))
    opening_hours = opening_hours_field()
    phone = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9+\- ]{5,20}$"))
    photos = fields.List(id_field(), validate=validate.Length(max=MAX_PHOTOS), metadata={
        "description": "ids of photos uploaded to this station (POST /stations/{id}/photos), "
                       "in display order; the first one is the card's picture"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    amap_poi_id = text(32, min_length=None, allow_none=True)
    baidu_uid = text(32, min_length=None, allow_none=True)


class StationCreate(StationWrite):
    class Meta(StrictSchema.Meta):
        exclude = ("photos",)  # photos are uploaded to the station once it exists

    org_id = id_field(required=True)
    name = text(100, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)))
    host_type = fields.String(required=True, validate=validate.OneOf(HOST_TYPES))
    address = text(200, required=True)
    location = fields.Nested(LocationIn, required=True)
    services = fields.List(fields.String(validate=validate.OneOf(list(SERVICES))),
                           required=True, validate=validate.Length(max=len(SERVICES)))
    opening_hours = opening_hours_field(required=True)


class StationUpdate(StationWrite):
    version = version_field(required=False, metadata={
        "description": "the version you saw; required with `status: closed` (closing is final)"})


class StationOut(Schema):
    id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = Label(KIND_LABELS, source="kind")
    host_type = fields.String(required=True)
    host_type_label = Label(HOST_TYPE_LABELS, source="host_type")
    partner_name = fields.String(allow_none=True)
    address = fields.String(required=True)
    location = DerivedNested(LocationOut, of=location_of, required=True)
    services = fields.List(fields.String(), required=True)
    service_labels = Labels(SERVICE_LABELS, source="services",
                            metadata={"description": "the labels of `services`, in order"})
    opening_hours = fields.Dict(required=True)
    open_now = DerivedBoolean(of=is_open_now, required=True, allow_none=True, metadata=OPEN_NOW)
    hours_known = DerivedBoolean(of=hours_known_of, required=True, metadata=HOURS_KNOWN)
    phone = fields.String(allow_none=True)
    photos = DerivedList(fields.Nested(PhotoRef), of=photos_of, required=True)
    status = fields.String(required=True)
    status_label = Label(STATUS_LABELS, source="status")
    amap_poi_id = fields.String(allow_none=True)
    baidu_uid = fields.String(allow_none=True)
    rating = DerivedFloat(of=rating_of, allow_none=True)
    rating_count = fields.Integer(required=True)
    links = DerivedNested(Links, of=links_of, required=True)
    version = fields.Integer(required=True)
    updated_at = ShanghaiDateTime(required=True)


StationPage = page_schema(StationOut, "StationPage")


class OrgStationsQuery(ListQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class ImportQuery(StrictSchema):
    dry_run = fields.Boolean(load_default=False)


TABLE_CODES = ("file_encoding_unknown", "file_unreadable", "file_has_macros")


class ImportFile(StrictSchema):
    file = Upload(required=True, metadata={**domain_rule(
        "the content: a readable table with the template's columns and valid rows",
        codes=(*TABLE_CODES, "import_columns_invalid", "import_rows_invalid", "import_empty")),
        "description": (
        "The stations, one a row: the XLSX template (`GET …/stations/import/template`) filled "
        "in, or a CSV (UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030 as Excel "
        "saves it on Chinese Windows; comma- or tab-separated). Row 1 names the columns by "
        "code, Chinese or English header (a trailing `*` is ignored; other columns are "
        "ignored); a coded cell holds the code or its Chinese or English label; services are "
        "separated by `|` (or `、` `;`). XLSX: the first sheet, no macros, no formulas. "
        f"At most {template.MAX_ROWS:,} rows (the server's IMPORT_MAX_ROWS), "
        f"{MAX_COLUMNS} columns and a sheet ending by row {last_row_read(template.MAX_ROWS):,} "
        "(blank rows included); a file past a limit is a 422 (`details.max_rows` or "
        "`details.max_columns`) before the rest is read, and missing columns are refused "
        "before any row is read."
        f"\n\n{template.columns_markdown()}\n\n"
        "**Opening hours** (Asia/Shanghai): `周一至周五 08:00-20:00；周六、周日 09:00-17:00` or "
        "`mon-fri 08:00-20:00; sat-sun 09:00-17:00` (days: 周一…周日, 星期一…, 工作日, 周末, "
        "每天, mon…sun, weekdays, weekends, daily; a part without days is every day; "
        "`08:00-12:00, 14:00-18:00` two spans; `周日 休息` / `sun closed` a day off, a later "
        "part overriding an earlier one; `22:00-06:00` crosses midnight), `24h`/`24小时` "
        "always open, blank unknown (never shown as open), or the API's JSON object "
        "(`{\"weekly\": {\"mon\": [[\"09:00\", \"18:00\"]]}, \"closed_dates\": "
        "[\"2026-02-10\"]}`).\n\n"
        "A bad file is a 422: `file_encoding_unknown`, `file_unreadable`, `file_has_macros`, "
        "`import_columns_invalid` (`details.missing_columns`), or `import_rows_invalid` with "
        "`details.rows`: every bad row at once, `{row, errors: [{column, header, message}]}` "
        "(row as the spreadsheet numbers it, header and message in the request's language).")})


class ImportResult(Schema):
    rows = fields.Integer(required=True)
    created = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)


class GeoPoint(Schema):
    type = fields.Constant("Point", required=True, metadata={"type": "string", "enum": ["Point"]})
    coordinates = fields.List(fields.Float(), required=True,
                              metadata={"description": "[lng, lat], GCJ-02"})


class GeoProperties(Schema):
    name = fields.String(required=True)
    code = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = Label(KIND_LABELS, source="kind")
    status = fields.String(required=True)
    status_label = Label(STATUS_LABELS, source="status")
    address = fields.String(required=True)
    services = fields.List(fields.String(), required=True)
    coord = fields.Constant(STORED_COORD, required=True,
                            metadata={"type": "string", "enum": [STORED_COORD]})


def point_of(station) -> dict:
    return {"coordinates": [station.lng, station.lat]}


class GeoFeature(Schema):
    """A station as a GeoJSON point feature."""

    type = fields.Constant("Feature", required=True,
                           metadata={"type": "string", "enum": ["Feature"]})
    id = fields.Integer(required=True)
    geometry = DerivedNested(GeoPoint, of=point_of, required=True)
    properties = DerivedNested(GeoProperties, of=lambda station: station, required=True)


class GeoJson(Schema):
    type = fields.String(required=True)
    features = fields.List(fields.Nested(GeoFeature), required=True)
