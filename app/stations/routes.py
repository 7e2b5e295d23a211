"""Station endpoints: public nearby search and lookup, officers' management, import/export."""

from urllib.parse import quote

from flask import Response, after_this_request, request
from flask.views import MethodView

from app.auth.current import current_user, optional_user
from app.core.http import ApiBlueprint
from app.core.i18n import is_english
from app.core.labels import code_label
from app.core.ratelimit import client_ip, public_limit, rate_limit
from app.core.time import utcnow
from app.core.xlsx import XLSX_MIME
from app.stations import exports, imports, photos, stations
from app.stations.access import get_station
from app.stations.geo import to_gcj02
from app.stations.schemas import (
    GeoJson,
    ImportFile,
    ImportQuery,
    ImportResult,
    NearbyQuery,
    NearbyResult,
    OrgStationsQuery,
    PhotoRef,
    PhotoUpload,
    ServiceList,
    StationCreate,
    StationOut,
    StationPage,
    StationUpdate,
    nearby_query_fast,
    photo_ref,
)
from app.stations.search import nearby_json, wants_english
from app.stations.vocab import SERVICE_LABELS

blp = ApiBlueprint("stations", __name__, description="Outdoor-worker stations")

GEOJSON_MIME = "application/geo+json"


@blp.route("/stations/nearby")
class NearbyView(MethodView):
    @rate_limit("nearby", public_limit, client_ip)
    @blp.arguments(NearbyQuery, location="query", fast=nearby_query_fast)
    @blp.response(200, NearbyResult)
    @blp.errors(429)
    def get(self, query):
        """Nearest active stations (public; the position is used for this answer only)."""
        # the hot path: the body is spliced from stored cards (cards.card dumps NearbyItem)
        lat, lng = to_gcj02(query["lat"], query["lng"], query["coord"])
        body = nearby_json(lat=lat, lng=lng, radius_m=query["radius"], limit=query["limit"],
                           services=query["services"], open_now=query["open_now"],
                           now=utcnow(), english=wants_english())
        return Response(body, mimetype="application/json")


@blp.route("/stations/services")
class ServicesView(MethodView):
    @blp.response(200, ServiceList)
    def get(self):
        """The fixed service vocabulary with labels (Chinese; English on request)."""
        return {"items": [{"code": code, "label": code_label(SERVICE_LABELS, code)}
                          for code in SERVICE_LABELS]}


@blp.route("/stations/by-code/<string:code>")
class ByCodeView(MethodView):
    @blp.response(200, StationOut)
    @blp.errors(404)
    def get(self, code):
        """Find an active station by the public code on its sign."""
        return stations.find_by_code(code)


@blp.route("/stations")
class StationsView(MethodView):
    @blp.auth()
    @blp.arguments(StationCreate)
    @blp.response(201, StationOut)
    @blp.errors(404, 409)
    def post(self, body):
        """Create a station in an org of the admin's subtree."""
        return stations.create_station(actor_id=current_user().id, data=body)


@blp.route("/stations/<int:station_id>")
class StationView(MethodView):
    @blp.auth(optional=True, forbidden=False)
    @blp.response(200, StationOut)
    @blp.errors(404)
    def get(self, station_id):
        """One station: active ones for everybody, others for officers over its org."""
        user = optional_user()
        return get_station(user.id if user else None, station_id)

    @blp.auth()
    @blp.arguments(StationUpdate)
    @blp.response(200, StationOut)
    @blp.errors(404, 409)
    def patch(self, body, station_id):
        """Edit, suspend or close (status) a station; pass `version` to guard edits."""
        return stations.update_station(actor_id=current_user().id, station_id=station_id,
                                       changes=body)


# a photo id never shows other bytes: browsers, WeChat and CDNs may keep it for a year
PHOTO_CACHE = "public, max-age=31536000, immutable"
PHOTO_CONTENT = {content_type: {"schema": {"type": "string", "format": "binary"}}
                 for content_type in ("image/jpeg", "image/png")}
NOT_MODIFIED = {"description": "Not modified (If-None-Match named this photo's ETag)"}


@blp.route("/stations/<int:station_id>/photos")
class StationPhotosView(MethodView):
    @blp.auth()
    @blp.arguments(PhotoUpload, location="files")
    @blp.response(201, PhotoRef)
    @blp.errors(404, 413)
    def post(self, files, station_id):
        """Upload a public photo of the station (its admins); then list its id in the
        station's `photos` (PATCH) to show it."""
        photo = photos.upload_photo(actor_id=current_user().id, station_id=station_id,
                                    stream=files["file"].stream)
        return photo_ref(photo.id)


def _photo_response(photo_id: int, *, thumbnail_only: bool) -> Response:
    photo, data = photos.photo_bytes(photo_id, thumbnail_only=thumbnail_only)
    etag = photo.sha256 + ("-t" if thumbnail_only else "")
    response = Response(data, mimetype="image/jpeg" if thumbnail_only else photo.content_type,
                        headers={"Cache-Control": PHOTO_CACHE,
                                 "X-Content-Type-Options": "nosniff"})
    response.set_etag(etag)
    return response.make_conditional(request)


@blp.route("/stations/photos/<int:photo_id>")
class PhotoView(MethodView):
    @blp.doc(responses={"200": {"description": "The photo (public, immutable)",
                                "content": PHOTO_CONTENT}, "304": NOT_MODIFIED})
    @blp.errors(404)
    def get(self, photo_id):
        """A station photo (public; cached as immutable: a photo id never changes)."""
        return _photo_response(photo_id, thumbnail_only=False)


@blp.route("/stations/photos/<int:photo_id>/thumbnail")
class PhotoThumbnailView(MethodView):
    @blp.doc(responses={"200": {"description": "The 240 px wide JPEG thumbnail (public, "
                                              "immutable)",
                                "content": {"image/jpeg": PHOTO_CONTENT["image/jpeg"]}},
                        "304": NOT_MODIFIED})
    @blp.errors(404)
    def get(self, photo_id):
        """A station photo's thumbnail (public; cached as immutable)."""
        return _photo_response(photo_id, thumbnail_only=True)


@blp.route("/orgs/<int:org_id>/stations")
class OrgStationsView(MethodView):
    @blp.auth()
    @blp.arguments(OrgStationsQuery, location="query")
    @blp.response(200, StationPage)
    @blp.errors(404)
    def get(self, query, org_id):
        """Stations of the org's subtree, any status (officers and card verifiers)."""
        return stations.list_org_stations(actor_id=current_user().id, org_id=org_id,
                                          **query).as_dict()


@blp.route("/orgs/<int:org_id>/stations/import")
class ImportView(MethodView):
    @blp.auth()
    @blp.arguments(ImportQuery, location="query")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, ImportResult)
    @blp.errors(404)
    def post(self, query, files, org_id):
        """Import stations from CSV or XLSX: all rows or none; `dry_run=true` only checks."""
        upload = files["file"]
        return imports.import_stations(actor_id=current_user().id, org_id=org_id,
                                       filename=upload.filename or "upload",
                                       payload=upload.read(), dry_run=query["dry_run"],
                                       english=is_english())


@blp.route("/orgs/<int:org_id>/stations/import/template.xlsx")
class ImportTemplateView(MethodView):
    @blp.auth()
    @blp.response(200, content_type=XLSX_MIME, description=(
        "The XLSX template of the import: the columns with headers in the request's language "
        "(the field code in each header's note), an example row, drop-downs for the coded "
        "columns and a sheet explaining the columns and the opening-hours format"))
    @blp.doc(responses={"200": {"content": {XLSX_MIME: {"schema": {"type": "string",
                                                                   "format": "binary"}}}}})
    @blp.errors(404)
    def get(self, org_id):
        """The station import's XLSX template (admins who may import into the org)."""
        filename, payload = imports.template_for(actor_id=current_user().id, org_id=org_id,
                                                 english=is_english())
        return Response(payload, mimetype=XLSX_MIME, headers={
            "Content-Disposition": "attachment; filename=\"station-import-template.xlsx\"; "
                                   f"filename*=UTF-8''{quote(filename)}"})


def _as_geojson(response: Response) -> Response:
    response.mimetype = GEOJSON_MIME
    return response


@blp.route("/orgs/<int:org_id>/stations.geojson")
class GeoJsonView(MethodView):
    @blp.auth()
    @blp.response(200, GeoJson, content_type=GEOJSON_MIME)
    @blp.errors(404)
    def get(self, org_id):
        """The subtree's stations as GeoJSON (coordinates GCJ-02, lng/lat order)."""
        collection = exports.geojson(actor_id=current_user().id, org_id=org_id)
        after_this_request(_as_geojson)
        return collection
