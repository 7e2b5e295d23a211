"""Membership endpoints: apply, review lists, decisions, audited reveal, monthly report."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.crypto import mask_id_number, mask_phone
from app.core.http import ApiBlueprint
from app.core.xlsx import xlsx_response
from app.members import service
from app.members.models import Membership
from app.members.schemas import (
    Decision,
    MembershipCreate,
    MembershipOut,
    MembershipPage,
    MembershipQuery,
    MonthlyReport,
    ReportQuery,
    RevealOut,
    RevealRequest,
)

blp = ApiBlueprint("members", __name__, description="Membership (建会入会)")


def masked(membership: Membership) -> dict:
    """Membership as the API shows it: personal numbers masked."""
    return {
        **{column: getattr(membership, column) for column in (
            "id", "org_id", "user_id", "real_name", "employer", "occupation", "industry",
            "status", "version", "reason", "created_at", "decided_at")},
        "id_number": mask_id_number(membership.id_number),
        "phone": mask_phone(membership.phone),
    }


@blp.route("/memberships")
class MembershipsView(MethodView):
    @blp.auth()
    @blp.arguments(MembershipCreate)
    @blp.response(201, MembershipOut)
    @blp.errors(404, 409)
    def post(self, body):
        """Apply to join an org's union (403 consent_required without the caller's current
        consent to processing their ID number for membership)."""
        return masked(service.apply(actor_id=current_user().id, **body))

    @blp.auth()
    @blp.arguments(MembershipQuery, location="query")
    @blp.response(200, MembershipPage)
    @blp.errors(404)
    def get(self, query):
        """Applications under the officer's orgs (default: pending), oldest first."""
        items, next_cursor = service.list_for_officer(actor_id=current_user().id, **query)
        return {"items": [masked(m) for m in items], "next_cursor": next_cursor}


@blp.route("/me/memberships")
class MyMembershipsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, MembershipPage)
    def get(self):
        """The caller's own applications."""
        items = service.list_mine(actor_id=current_user().id)
        return {"items": [masked(m) for m in items], "next_cursor": None}


@blp.route("/memberships/<int:membership_id>")
class MembershipView(MethodView):
    @blp.auth()
    @blp.response(200, MembershipOut)
    @blp.errors(404)
    def get(self, membership_id):
        """One application (its applicant or an officer over its org)."""
        return masked(service.get_for_viewer(actor_id=current_user().id,
                                             membership_id=membership_id))


@blp.route("/memberships/<int:membership_id>/decision")
class DecisionView(MethodView):
    @blp.auth()
    @blp.arguments(Decision)
    @blp.response(200, MembershipOut)
    @blp.errors(404, 409)
    def post(self, body, membership_id):
        """Approve or reject with the version you saw (stale → 409)."""
        return masked(service.decide(actor_id=current_user().id, membership_id=membership_id,
                                     **body))


@blp.route("/memberships/<int:membership_id>/reveal")
class RevealView(MethodView):
    @blp.auth()
    @blp.arguments(RevealRequest)
    @blp.response(200, RevealOut)
    @blp.errors(404)
    def post(self, body, membership_id):
        """Show one whole personal value to an officer; audited with the reason."""
        value = service.reveal(actor_id=current_user().id, membership_id=membership_id, **body)
        return {"field": body["field"], "value": value}


@blp.route("/orgs/<int:org_id>/reports/memberships")
class MonthlyReportView(MethodView):
    @blp.auth()
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, MonthlyReport)
    @blp.errors(404)
    def get(self, query, org_id):
        """New members in a month per industry and per org of the subtree (数据月报)."""
        return service.monthly_report(actor_id=current_user().id, org_id=org_id, **query)


@blp.route("/orgs/<int:org_id>/reports/memberships.xlsx")
class MonthlyReportXlsxView(MethodView):
    @blp.auth()
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    @blp.errors(404)
    def get(self, query, org_id):
        """The same report as an Excel file."""
        report = service.monthly_report(actor_id=current_user().id, org_id=org_id, **query)
        sheets = {
            "按行业": [["行业", "industry", "新入会人数"]]
            + [[row["label"], row["industry"], row["count"]] for row in report["by_industry"]]
            + [["合计", "total", report["total"]]],
            "按组织": [["组织", "org_id", "新入会人数"]]
            + [[row["org_name"], row["org_id"], row["count"]] for row in report["by_org"]],
        }
        return xlsx_response(sheets, f"membership-report-{org_id}-{query['month']}.xlsx")
