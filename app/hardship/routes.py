"""Hardship file endpoints: files, self-test, home visits, the chain, upkeep, settings."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint, secret_response
from app.core.pagination import ListQuerySchema
from app.core.ratelimit import duplicate_limit, failure_budget, user_or_ip
from app.core.xlsx import XLSX_MIME, report_routes, xlsx_response
from app.hardship import access, chain, exports, households, stats, upkeep
from app.hardship.schemas import (
    AssessmentOut,
    HardshipCloseIn,
    HardshipDecisionIn,
    HardshipExportQuery,
    HardshipFileCreate,
    HardshipFileDetail,
    HardshipFilePage,
    HardshipFileQuery,
    HardshipFileUpdate,
    HardshipFollowUpIn,
    HardshipReopenIn,
    HardshipRevealIn,
    HardshipRevealOut,
    HardshipSettingsIn,
    HardshipSettingsOut,
    HardshipStatsOut,
    HardshipStatsQuery,
    HardshipVersionIn,
    ReviewIn,
    SelfTestIn,
    VisitIn,
)

blp = ApiBlueprint("hardship", __name__, description="Hardship files (困难职工档案)")

# answers that say a household is held by another file count against a per-user budget
HOUSEHOLD_TAKEN = frozenset({"hardship_file_exists", "household_has_file"})


@blp.route("/hardship-files")
class FilesView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipFileCreate)
    @blp.response(201, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body):
        """Start a draft file (the head of household, or an officer of the grassroots union
        for a worker); the eligibility level is assessed against the county's 低保 line."""
        return households.create_file(actor_id=current_user().id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(HardshipFileQuery, location="query")
    @blp.response(200, HardshipFilePage)
    def get(self, query):
        """Submitted files under the officer's orgs, oldest first."""
        return households.list_for_officer(actor_id=current_user().id, **query)


@blp.route("/hardship-files/self-test")
class SelfTestView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(SelfTestIn)
    @blp.response(200, AssessmentOut)
    @blp.errors(404, 409)
    def post(self, body):
        """The self-test before applying: the level the figures give; nothing is stored."""
        return households.self_test(**body)


@blp.route("/hardship-files/export")
class ExportView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipExportQuery, location="query")
    @blp.response(200, content_type=XLSX_MIME)
    @blp.errors(404)
    @secret_response
    def get(self, query):
        """The roster of filed households under an org with bank accounts (approvers over
        it; audited with the reason)."""
        sheets = exports.roster(actor_id=current_user().id, **query)
        return xlsx_response(sheets, f"hardship-files-{query['org_id']}.xlsx")


report_routes(
    blp, "/hardship/stats", query=HardshipStatsQuery, schema=HardshipStatsOut,
    compute=stats.stats, sheets=stats.stats_sheets, filename=stats.stats_filename,
    names=("StatsView", "StatsXlsxView"),
    doc="""Files under an org (all, or opened in `year`) by state, and the filed ones by level
        and by main and secondary cause (officers over it).""")


@blp.route("/me/hardship-files")
class MyFilesView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, HardshipFilePage)
    def get(self, query):
        """The caller's own files: opened by them, or their household's (matched by their
        membership's ID number)."""
        return households.list_mine(actor_id=current_user().id, **query)


@blp.route("/hardship-files/<int:file_id>")
class FileView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404)
    def get(self, file_id):
        """The file, its household (numbers masked), visits and history."""
        return access.get_file(current_user().id, file_id)

    @failure_budget("hardship-households", duplicate_limit, user_or_ip, codes=HOUSEHOLD_TAKEN)
    @blp.auth()
    @blp.arguments(HardshipFileUpdate)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409, 429)
    def patch(self, body, file_id):
        """Edit a draft or returned file (whoever opened it, with the version seen)."""
        return households.update_file(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/submit")
class SubmitView(MethodView):
    @failure_budget("hardship-households", duplicate_limit, user_or_ip, codes=HOUSEHOLD_TAKEN)
    @blp.auth()
    @blp.arguments(HardshipVersionIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409, 422, 429)
    def post(self, body, file_id):
        """Submit to the grassroots union: one open file per household — a member's ID number
        in another open file is 409 (limited per user: 429)."""
        return households.submit(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/withdraw")
class WithdrawView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipVersionIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body, file_id):
        """Withdraw before the grassroots union decided (the household is freed)."""
        return households.withdraw(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/visits")
class VisitsView(MethodView):
    @blp.auth()
    @blp.arguments(VisitIn)
    @blp.response(201, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body, file_id):
        """Record the home visit (two officers; photos, the signed application and the
        consent to a household finance check as uploads) — needed before the first approval."""
        return chain.record_visit(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/decisions")
class DecisionsView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipDecisionIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body, file_id):
        """Approve, return or reject at the current step (an approver of that step's own
        union); `file` by the county union only after the notice ended with no open
        objection (409 notice_running / objection_open)."""
        return chain.decide(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/reviews")
class ReviewsView(MethodView):
    @blp.auth()
    @blp.arguments(ReviewIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body, file_id):
        """The yearly review of a filed file (an approver over its union): new figures
        re-assess the level; the next review is due a year later."""
        return upkeep.review(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/close")
class CloseView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipCloseIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body, file_id):
        """Propose closing (脱困) with the reason and the collective decision: the exit is
        published for objections first."""
        return upkeep.propose_close(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/confirm-close")
class ConfirmCloseView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipVersionIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body, file_id):
        """The county union closes the file after its exit notice passed; followed 6 months."""
        return upkeep.confirm_close(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/follow-up")
class FollowUpView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipFollowUpIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409)
    def post(self, body, file_id):
        """Record the follow-up visit after exit (closes its reminder)."""
        return upkeep.follow_up(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/reopen")
class ReopenView(MethodView):
    @failure_budget("hardship-households", duplicate_limit, user_or_ip, codes=HOUSEHOLD_TAKEN)
    @blp.auth()
    @blp.arguments(HardshipReopenIn)
    @blp.response(200, HardshipFileDetail)
    @blp.errors(404, 409, 429)
    def post(self, body, file_id):
        """Hardship returned: the closed file goes back to its grassroots union."""
        return upkeep.reopen(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship-files/<int:file_id>/reveal")
class RevealView(MethodView):
    @blp.auth()
    @blp.arguments(HardshipRevealIn)
    @blp.response(200, HardshipRevealOut)
    @blp.errors(404)
    @secret_response
    def post(self, body, file_id):
        """One whole ID number or the bank account, for an officer with a reason (audited)."""
        return households.reveal(actor_id=current_user().id, file_id=file_id, **body)


@blp.route("/hardship/settings/<int:org_id>")
class SettingsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, HardshipSettingsOut)
    @blp.errors(404)
    def get(self, org_id):
        """A county's 低保 line and notice length."""
        return households.get_settings(org_id=org_id)

    @blp.auth()
    @blp.arguments(HardshipSettingsIn)
    @blp.response(200, HardshipSettingsOut)
    @blp.errors(404, 409)
    def put(self, body, org_id):
        """Set them (admins of the county union)."""
        return households.put_settings(actor_id=current_user().id, org_id=org_id, **body)
