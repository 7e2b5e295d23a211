"""Rights help endpoints: cases, their steps, deadlines settings and statistics."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.core.pagination import ListQuerySchema
from app.core.xlsx import report_routes
from app.rights import cases, deadlines, stats
from app.rights.schemas import (
    AcceptIn,
    ResolveIn,
    RightsCaseCreate,
    RightsCaseDetail,
    RightsCasePage,
    RightsCaseQuery,
    RightsCloseIn,
    RightsFollowUpIn,
    RightsReopenIn,
    RightsSettingsIn,
    RightsSettingsOut,
    RightsStatsOut,
    StatsQuery,
    StepIn,
)

blp = ApiBlueprint("rights", __name__, description="Rights help (维权 / 法律援助)")


@blp.route("/rights-cases")
class CasesView(MethodView):
    @blp.auth()
    @blp.arguments(RightsCaseCreate)
    @blp.response(201, RightsCaseDetail)
    @blp.errors(404)
    def post(self, body):
        """Ask one's union for help (approved members; 403 consent_required without the
        consent to processing the case's details). Accept within 1 working day and resolve
        within 15 by default (the org's settings)."""
        return cases.create_case(actor_id=current_user().id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(RightsCaseQuery, location="query")
    @blp.response(200, RightsCasePage)
    def get(self, query):
        """Cases under the officer's orgs and those escalated to them, oldest first."""
        return cases.list_for_officer(actor_id=current_user().id, **query)


@blp.route("/me/rights-cases")
class MyCasesView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, RightsCasePage)
    def get(self, query):
        """The caller's own cases, newest first."""
        return cases.list_mine(actor_id=current_user().id, **query)


@blp.route("/rights-cases/<int:case_id>")
class CaseView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, RightsCaseDetail)
    @blp.errors(404)
    def get(self, case_id):
        """One case with its details and history (its member, or officers over it: their
        read is audited)."""
        return cases.read_case(actor_id=current_user().id, case_id=case_id)


@blp.route("/rights-cases/<int:case_id>/accept")
class CaseAcceptView(MethodView):
    @blp.auth()
    @blp.arguments(AcceptIn)
    @blp.response(200, RightsCaseDetail)
    @blp.errors(404, 409)
    def post(self, body, case_id):
        """Accept the case (approvers over its org), assigned to the caller or another
        approver; with the version seen."""
        return cases.accept(actor_id=current_user().id, case_id=case_id, **body)


@blp.route("/rights-cases/<int:case_id>/steps")
class CaseStepsView(MethodView):
    @blp.auth()
    @blp.arguments(StepIn)
    @blp.response(200, RightsCaseDetail)
    @blp.errors(404, 409)
    def post(self, body, case_id):
        """Record a step: a note, mediation, a referral to the labour inspectorate or
        legal aid, a legal aid lawyer."""
        return cases.add_step(actor_id=current_user().id, case_id=case_id, **body)


@blp.route("/rights-cases/<int:case_id>/resolve")
class CaseResolveView(MethodView):
    @blp.auth()
    @blp.arguments(ResolveIn)
    @blp.response(200, RightsCaseDetail)
    @blp.errors(404, 409)
    def post(self, body, case_id):
        """Resolve with the outcome (wage arrears: the amount recovered)."""
        return cases.resolve(actor_id=current_user().id, case_id=case_id, **body)


@blp.route("/rights-cases/<int:case_id>/follow-up")
class CaseFollowUpView(MethodView):
    @blp.auth()
    @blp.arguments(RightsFollowUpIn)
    @blp.response(200, RightsCaseDetail)
    @blp.errors(404, 409)
    def post(self, body, case_id):
        """Record the follow-up call (date, who called, what the member said); needed
        before the member can close the case."""
        return cases.follow_up(actor_id=current_user().id, case_id=case_id, **body)


@blp.route("/rights-cases/<int:case_id>/close")
class CaseCloseView(MethodView):
    @blp.auth()
    @blp.arguments(RightsCloseIn)
    @blp.response(200, RightsCaseDetail)
    @blp.errors(404, 409)
    def post(self, body, case_id):
        """The member rates the help (1–5) and closes the case (409 follow_up_missing
        before the follow-up call)."""
        return cases.close(actor_id=current_user().id, case_id=case_id, **body)


@blp.route("/rights-cases/<int:case_id>/reopen")
class CaseReopenView(MethodView):
    @blp.auth()
    @blp.arguments(RightsReopenIn)
    @blp.response(200, RightsCaseDetail)
    @blp.errors(404, 409)
    def post(self, body, case_id):
        """The member reopens a resolved case within 7 days (409 reopen_window_passed
        after)."""
        return cases.reopen(actor_id=current_user().id, case_id=case_id, **body)


@blp.route("/orgs/<int:org_id>/rights-settings")
class SettingsView(MethodView):
    @blp.auth()
    @blp.response(200, RightsSettingsOut)
    @blp.errors(404)
    def get(self, org_id):
        """The org's deadlines in working days (its own, inherited, or the defaults)."""
        return deadlines.get_settings(actor_id=current_user().id, org_id=org_id)

    @blp.auth()
    @blp.arguments(RightsSettingsIn)
    @blp.response(200, RightsSettingsOut)
    @blp.errors(404)
    def put(self, body, org_id):
        """Set the org's deadlines (its admins); new cases of its subtree use them."""
        return deadlines.set_settings(actor_id=current_user().id, org_id=org_id, **body)


report_routes(
    blp, "/orgs/<int:org_id>/rights-stats", query=StatsQuery, schema=RightsStatsOut,
    compute=stats.rights_stats, sheets=stats.stats_sheets,
    filename="rights-stats-{org_id}-{year}.xlsx", names=("StatsView", "StatsXlsxView"),
    doc="""Cases of the year by category: on-time acceptance and resolution, satisfaction,
        wage arrears recovered (officers over the org).""")
