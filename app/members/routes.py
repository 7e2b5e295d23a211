"""Membership endpoints: apply, review lists, decisions, audited reveal, monthly report."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint, secret_response
from app.core.pagination import ListQuerySchema
from app.core.xlsx import report_routes
from app.members import corrections, memberships, reports, transfers
from app.members.access import get_correction, get_membership, get_transfer
from app.members.schemas import (
    CorrectionCreate,
    CorrectionOut,
    Decision,
    MembershipCreate,
    MembershipHistory,
    MembershipOut,
    MembershipPage,
    MembershipQuery,
    MonthlyReport,
    MyDetailsUpdate,
    ReportQuery,
    RevealOut,
    RevealRequest,
    TransferCreate,
    TransferOut,
    TransferPage,
    TransferQuery,
    Withdrawal,
)

blp = ApiBlueprint("members", __name__, description="Membership (建会入会)")


@blp.route("/memberships")
class MembershipsView(MethodView):
    @blp.auth()
    @blp.arguments(MembershipCreate)
    @blp.response(201, MembershipOut)
    @blp.errors(404, 409)
    def post(self, body):
        """Apply to join an org's union (403 consent_required without the caller's current
        consent to processing their ID number for membership)."""
        return memberships.apply(actor_id=current_user().id, **body)

    @blp.auth()
    @blp.arguments(MembershipQuery, location="query")
    @blp.response(200, MembershipPage)
    @blp.errors(404)
    def get(self, query):
        """Applications under the officer's orgs (default: pending), oldest first."""
        return memberships.list_for_officer(actor_id=current_user().id, **query)


@blp.route("/me/memberships")
class MyMembershipsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, MembershipPage)
    def get(self, query):
        """The caller's own applications, newest first."""
        return memberships.list_mine(actor_id=current_user().id, **query)


@blp.route("/memberships/<int:membership_id>")
class MembershipView(MethodView):
    @blp.auth()
    @blp.response(200, MembershipOut)
    @blp.errors(404)
    def get(self, membership_id):
        """One application (its applicant or an officer over its org)."""
        return get_membership(current_user().id, membership_id)


@blp.route("/memberships/<int:membership_id>/decision")
class DecisionView(MethodView):
    @blp.auth()
    @blp.arguments(Decision)
    @blp.response(200, MembershipOut)
    @blp.errors(404, 409)
    def post(self, body, membership_id):
        """Approve or reject with the version you saw (stale → 409 stale_version; approving
        a second application under the ID number of an approved member → 409
        already_member)."""
        return memberships.decide(actor_id=current_user().id, membership_id=membership_id,
                                  **body)


@blp.route("/memberships/<int:membership_id>/withdraw")
class WithdrawView(MethodView):
    @blp.auth()
    @blp.arguments(Withdrawal)
    @blp.response(200, MembershipOut)
    @blp.errors(404, 409)
    def post(self, body, membership_id):
        """The applicant withdraws a pending application with the version they saw (an
        officer over the org: 403; anyone else: 404; not pending or stale: 409)."""
        return memberships.withdraw(actor_id=current_user().id, membership_id=membership_id,
                                    **body)


@blp.route("/memberships/<int:membership_id>/reveal")
class RevealView(MethodView):
    @blp.auth()
    @blp.arguments(RevealRequest)
    @blp.response(200, RevealOut)
    @blp.errors(404)
    @secret_response
    def post(self, body, membership_id):
        """Show one whole personal value to an officer; audited with the reason."""
        value = memberships.reveal(actor_id=current_user().id, membership_id=membership_id,
                                   **body)
        return {"field": body["field"], "value": value}


report_routes(
    blp, "/orgs/<int:org_id>/reports/memberships", query=ReportQuery, schema=MonthlyReport,
    compute=reports.monthly_report, sheets=reports.report_sheets,
    filename="membership-report-{org_id}-{month}.xlsx",
    names=("MonthlyReportView", "MonthlyReportXlsxView"),
    doc="New members in a month per industry and per org of the subtree (数据月报).",
    xlsx_doc="The same report as an Excel file.")


@blp.route("/me/membership")
class MyMembershipView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(MyDetailsUpdate)
    @blp.response(200, MembershipOut)
    @blp.errors(404, 409)
    def patch(self, body):
        """Correct one's own employer, occupation or phone (pending or approved membership,
        with the version seen; audited). A name or ID number change goes through an officer."""
        return transfers.update_my_details(actor_id=current_user().id, **body)


@blp.route("/me/membership/transfer")
class MyTransferView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(TransferCreate)
    @blp.response(201, TransferOut)
    @blp.errors(404, 409)
    def post(self, body):
        """Ask to move one's approved membership to another org (转会); the receiving org's
        approvers decide. 404 not_a_member without an approved membership; one open request
        at a time (409 transfer_pending)."""
        return transfers.request_transfer(actor_id=current_user().id, **body)


@blp.route("/me/membership/transfers")
class MyTransfersView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, TransferPage)
    def get(self, query):
        """The caller's own transfer requests, newest first."""
        return transfers.list_mine(actor_id=current_user().id, **query)


@blp.route("/membership-transfers")
class TransfersView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(TransferQuery, location="query")
    @blp.response(200, TransferPage)
    def get(self, query):
        """Transfer requests into or out of the officer's orgs (default: pending), oldest
        first."""
        return transfers.list_for_officer(actor_id=current_user().id, **query)


@blp.route("/membership-transfers/<int:transfer_id>")
class TransferView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, TransferOut)
    @blp.errors(404)
    def get(self, transfer_id):
        """One transfer request (its member, officers over the sending or receiving org)."""
        return get_transfer(current_user().id, transfer_id)


@blp.route("/membership-transfers/<int:transfer_id>/decision")
class TransferDecisionView(MethodView):
    @blp.auth()
    @blp.arguments(Decision)
    @blp.response(200, TransferOut)
    @blp.errors(404, 409)
    def post(self, body, transfer_id):
        """An approver of the receiving org approves (the membership and its card move; the
        card's earlier codes stop verifying) or rejects with a reason, with the version
        seen."""
        return transfers.decide(actor_id=current_user().id, transfer_id=transfer_id, **body)


@blp.route("/membership-transfers/<int:transfer_id>/withdraw")
class TransferWithdrawView(MethodView):
    @blp.auth()
    @blp.arguments(Withdrawal)
    @blp.response(200, TransferOut)
    @blp.errors(404, 409)
    def post(self, body, transfer_id):
        """The member withdraws a pending request with the version seen."""
        return transfers.withdraw(actor_id=current_user().id, transfer_id=transfer_id, **body)


@blp.route("/memberships/<int:membership_id>/history")
class HistoryView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, MembershipHistory)
    @blp.errors(404)
    def get(self, membership_id):
        """The orgs the membership belonged to, with dates (its member or officers over its
        current org)."""
        return transfers.history(actor_id=current_user().id, membership_id=membership_id)


@blp.route("/me/membership/corrections")
class MyCorrectionsView(MethodView):
    @blp.auth()
    @blp.arguments(CorrectionCreate)
    @blp.response(201, CorrectionOut)
    @blp.errors(404, 409)
    def post(self, body):
        """Ask for a corrected name or ID number with a document; an approver over the
        member's org reviews it (one open request at a time: 409 correction_pending)."""
        return corrections.request_correction(actor_id=current_user().id, **body)


@blp.route("/membership-corrections/<int:correction_id>")
class CorrectionView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, CorrectionOut)
    @blp.errors(404)
    def get(self, correction_id):
        """One correction request (its member, officers over the member's org)."""
        return get_correction(current_user().id, correction_id)


@blp.route("/membership-corrections/<int:correction_id>/decision")
class CorrectionDecisionView(MethodView):
    @blp.auth()
    @blp.arguments(Decision)
    @blp.response(200, CorrectionOut)
    @blp.errors(404, 409)
    def post(self, body, correction_id):
        """Approve (the membership changes; 409 already_member when another member holds
        the new ID number) or reject with a reason, with the version seen."""
        return corrections.decide(actor_id=current_user().id, correction_id=correction_id,
                                  **body)


@blp.route("/membership-corrections/<int:correction_id>/withdraw")
class CorrectionWithdrawView(MethodView):
    @blp.auth()
    @blp.arguments(Withdrawal)
    @blp.response(200, CorrectionOut)
    @blp.errors(404, 409)
    def post(self, body, correction_id):
        """The member withdraws a pending correction request."""
        return corrections.withdraw(actor_id=current_user().id, correction_id=correction_id,
                                    **body)
