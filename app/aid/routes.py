"""Aid endpoints: programs, applications and decisions, batches, statistics."""

from flask.views import MethodView

from app.aid import access, applications, batches, decisions, programs, stats
from app.aid.schemas.applications import (
    AidApplicationCreate,
    AidApplicationDetail,
    AidApplicationPage,
    AidApplicationQuery,
    AidApplicationUpdate,
    AidDecisionIn,
    AidRevealIn,
    AidRevealOut,
    AidVersionIn,
)
from app.aid.schemas.batches import AidBatchCreate, AidBatchOut, AidBatchPage, AidRosterQuery
from app.aid.schemas.programs import (
    AidProgramCreate,
    AidProgramOut,
    AidProgramPage,
    AidProgramQuery,
)
from app.aid.schemas.stats import AidProgramStats
from app.auth.current import current_user
from app.core.http import ApiBlueprint, secret_response
from app.core.pagination import ListQuerySchema
from app.core.ratelimit import duplicate_limit, failure_budget, user_or_ip
from app.core.xlsx import XLSX_MIME, report_routes, xlsx_response

blp = ApiBlueprint("aid", __name__, description="Aid programs (扶智纾困) and applications")


@blp.route("/aid/programs")
class ProgramsView(MethodView):
    @blp.auth()
    @blp.arguments(AidProgramCreate)
    @blp.response(201, AidProgramOut)
    @blp.errors(404)
    def post(self, body):
        """Create a program (admin of the owner org)."""
        return programs.create_program(actor_id=current_user().id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(AidProgramQuery, location="query")
    @blp.response(200, AidProgramPage)
    def get(self, query):
        """Open programs (to apply to) or the caller's managed programs with their budget."""
        return programs.list_programs(actor_id=current_user().id, **query)


@blp.route("/aid/programs/<int:program_id>")
class ProgramView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, AidProgramOut)
    @blp.errors(404)
    def get(self, program_id):
        """One program: categories, tiers, documents, window and chain; for officers over the
        owner org also the budget and `warnings` (e.g. chain orgs without an approver)."""
        return programs.program_detail(actor_id=current_user().id, program_id=program_id)


@blp.route("/aid/applications")
class ApplicationsView(MethodView):
    @blp.auth()
    @blp.arguments(AidApplicationCreate)
    @blp.response(201, AidApplicationDetail)
    @blp.errors(404, 409)
    def post(self, body):
        """Start a draft application (for oneself, family, or on someone's behalf)."""
        return applications.create_application(actor_id=current_user().id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(AidApplicationQuery, location="query")
    @blp.response(200, AidApplicationPage)
    def get(self, query):
        """Applications under the officer's orgs, oldest first."""
        return applications.list_for_officer(actor_id=current_user().id, **query)


@blp.route("/me/aid/applications")
class MyApplicationsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, AidApplicationPage)
    def get(self, query):
        """The caller's own applications, newest first."""
        return applications.list_mine(actor_id=current_user().id, **query)


@blp.route("/aid/applications/<int:application_id>")
class ApplicationView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404)
    def get(self, application_id):
        """Status, current step and full history (the applicant or officers over its org)."""
        return access.get_application(current_user().id, application_id)

    @failure_budget("aid-duplicates", duplicate_limit, user_or_ip,
                    codes=frozenset({"application_exists", "beneficiary_unavailable"}))
    @blp.auth()
    @blp.arguments(AidApplicationUpdate)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409, 429)
    def patch(self, body, application_id):
        """Edit a draft or returned application (the applicant, with the version seen). A
        returned application keeps the beneficiary's slot: moving it to a beneficiary whose
        slot is taken is 409 as on submit."""
        return applications.update_application(actor_id=current_user().id,
                                               application_id=application_id, **body)


@blp.route("/aid/applications/<int:application_id>/submit")
class SubmitView(MethodView):
    @failure_budget("aid-duplicates", duplicate_limit, user_or_ip,
                    codes=frozenset({"application_exists", "beneficiary_unavailable"}))
    @blp.auth()
    @blp.arguments(AidVersionIn)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409, 429)
    def post(self, body, application_id):
        """Submit (or resubmit after a return): checks window, eligibility and documents.
        The beneficiary's slot in the program is taken here, not by a draft: 409
        application_exists when the caller already applied for them, 409
        beneficiary_unavailable otherwise (these answers are limited per user: 429)."""
        return applications.submit(actor_id=current_user().id, application_id=application_id,
                                   **body)


@blp.route("/aid/applications/<int:application_id>/withdraw")
class WithdrawView(MethodView):
    @blp.auth()
    @blp.arguments(AidVersionIn)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409)
    def post(self, body, application_id):
        """Withdraw before the final decision (frees the beneficiary's slot)."""
        return applications.withdraw(actor_id=current_user().id,
                                     application_id=application_id, **body)


@blp.route("/aid/applications/<int:application_id>/decisions")
class DecisionsView(MethodView):
    @blp.auth()
    @blp.arguments(AidDecisionIn)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409)
    def post(self, body, application_id):
        """Approve, return or reject the current step (its org's approver; stale → 409;
        the last approval may answer 409 budget_exhausted)."""
        return decisions.decide(actor_id=current_user().id, application_id=application_id,
                                **body)


@blp.route("/aid/applications/<int:application_id>/reveal")
class RevealView(MethodView):
    @blp.auth()
    @blp.arguments(AidRevealIn)
    @blp.response(200, AidRevealOut)
    @blp.errors(404)
    @secret_response
    def post(self, body, application_id):
        """Show an officer one whole ID or bank number; audited with the reason."""
        return applications.reveal(actor_id=current_user().id, application_id=application_id,
                                   **body)


@blp.route("/aid/programs/<int:program_id>/batches")
class BatchesView(MethodView):
    @blp.auth()
    @blp.arguments(AidBatchCreate)
    @blp.response(201, AidBatchOut)
    @blp.errors(404, 409)
    def post(self, body, program_id):
        """Put approved applications into a disbursement batch (admin of the owner org)."""
        return batches.create_batch(actor_id=current_user().id, program_id=program_id, **body)

    @blp.auth()
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, AidBatchPage)
    @blp.errors(404)
    def get(self, query, program_id):
        """The program's batches."""
        return batches.list_batches(actor_id=current_user().id, program_id=program_id,
                                    **query)


@blp.route("/aid/batches/<int:batch_id>")
class BatchView(MethodView):
    @blp.auth()
    @blp.response(200, AidBatchOut)
    @blp.errors(404)
    def get(self, batch_id):
        """One batch."""
        return access.get_batch(current_user().id, batch_id)


@blp.route("/aid/batches/<int:batch_id>/paid")
class BatchPaidView(MethodView):
    @blp.auth()
    @blp.arguments(AidVersionIn)
    @blp.response(200, AidBatchOut)
    @blp.errors(404, 409)
    def post(self, body, batch_id):
        """Mark the batch paid: its applications become paid, reserved money paid money."""
        return batches.mark_paid(actor_id=current_user().id, batch_id=batch_id, **body)


@blp.route("/aid/batches/<int:batch_id>/applications/<int:application_id>")
class BatchApplicationView(MethodView):
    @blp.auth()
    @blp.response(200, AidBatchOut)
    @blp.errors(404, 409)
    def delete(self, batch_id, application_id):
        """Take an application out of an open batch (admin of the owner org); it stays
        approved, its money stays reserved, and it can join a later batch."""
        return batches.remove_from_batch(actor_id=current_user().id, batch_id=batch_id,
                                         application_id=application_id)


@blp.route("/aid/batches/<int:batch_id>/roster.xlsx")
class RosterView(MethodView):
    @blp.auth()
    @blp.arguments(AidRosterQuery, location="query")
    @blp.response(200, content_type=XLSX_MIME)
    @blp.errors(404)
    def get(self, query, batch_id):
        """The bank roster with whole account numbers (admin; audited with the reason)."""
        sheets = batches.roster(actor_id=current_user().id, batch_id=batch_id, **query)
        return xlsx_response(sheets, f"aid-batch-{batch_id}-roster.xlsx")


report_routes(
    blp, "/aid/programs/<int:program_id>/stats", query=None, schema=AidProgramStats,
    compute=stats.program_stats, sheets=stats.stats_sheets,
    filename="aid-program-{program_id}-stats.xlsx", names=("StatsView", "StatsXlsxView"),
    doc="Counts and amounts approved, paid and pending by village, category and tier.")
