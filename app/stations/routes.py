"""Station endpoints: public nearby search and lookup, officers' management, import/export."""

from flask import Response, after_this_request
from flask.views import MethodView

from app.auth.current import current_user, optional_user
from app.core.http import ApiBlueprint
from app.core.ratelimit import client_ip, public_limit, rate_limit
from app.core.time import utcnow
from app.stations import exports, imports, stations
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
    ServiceList,
    StationCreate,
    StationOut,
    StationPage,
    StationUpdate,
    nearby_query_fast,
)
from app.stations.search import nearby_json, wants_english
from app.stations.vocab import SERVICES

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
        """The fixed service vocabulary with Chinese labels."""
        return {"items": [{"code": code, "label": label} for code, label in SERVICES.items()]}


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


@blp.route("/orgs/<int:org_id>/stations")
class OrgStationsView(MethodView):
    @blp.auth()
    @blp.arguments(OrgStationsQuery, location="query")
    @blp.response(200, StationPage)
    @blp.errors(404)
    def get(self, query, org_id):
        """Stations of the org's subtree, any status (officers)."""
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
                                       payload=upload.read(), dry_run=query["dry_run"])


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
