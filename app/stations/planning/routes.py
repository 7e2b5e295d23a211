"""Coverage planning endpoints: how much demand open stations cover, where to build next."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.stations.planning import coverage
from app.stations.planning.schemas import (
    CoverageCsvQuery,
    CoverageOut,
    CoverageRequest,
    CsvUpload,
    PlanOut,
    PlanRequest,
)
from app.stations.planning.uploads import points_from_csv

blp = ApiBlueprint("station_planning", __name__,
                   description="Station coverage planning (服务圈覆盖规划)")

# 200,000 points as JSON or CSV exceed the app-wide 10 MB body limit.
MAX_BODY_BYTES = 24 * 1024 * 1024


@blp.before_request
def allow_large_bodies() -> None:
    request.max_content_length = MAX_BODY_BYTES


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
