"""Aid endpoints: programs, applications and decisions, batches, statistics."""

from flask.views import MethodView

from app.aid import applications, chain, disbursement, programs, stats
from app.aid.schemas import (
    AidApplicationCreate,
    AidApplicationDetail,
    AidApplicationPage,
    AidApplicationQuery,
    AidApplicationUpdate,
    AidBatchCreate,
    AidBatchOut,
    AidBatchPage,
    AidDecisionIn,
    AidProgramCreate,
    AidProgramOut,
    AidProgramPage,
    AidProgramQuery,
    AidProgramStats,
    AidRevealIn,
    AidRevealOut,
    AidRosterQuery,
    AidVersionIn,
)
from app.aid.views import application_detail, application_views
from app.auth.current import current_user
from app.core.http import ApiBlueprint, ListQuerySchema
from app.core.xlsx import xlsx_response

blp = ApiBlueprint("aid", __name__, description="Aid programs (扶智纾困) and applications")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/aid/programs")
class ProgramsView(MethodView):
    @blp.auth()
    @blp.arguments(AidProgramCreate)
    @blp.response(201, AidProgramOut)
    @blp.errors(404)
    def post(self, body):
        """Create a program (admin of the owner org)."""
        actor_id = current_user().id
        program = programs.create_program(actor_id=actor_id, **body)
        return programs.program_view(program, actor_id=actor_id)

    @blp.auth(forbidden=False)
    @blp.arguments(AidProgramQuery, location="query")
    @blp.response(200, AidProgramPage)
    def get(self, query):
        """Open programs (to apply to) or the caller's managed programs with their budget."""
        actor_id = current_user().id
        items, next_cursor = programs.list_programs(actor_id=actor_id, **query)
        return {"items": [programs.program_view(p, actor_id=actor_id) for p in items],
                "next_cursor": next_cursor}


@blp.route("/aid/programs/<int:program_id>")
class ProgramView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, AidProgramOut)
    @blp.errors(404)
    def get(self, program_id):
        """One program: categories, tiers, documents, window and chain."""
        actor_id = current_user().id
        return programs.program_view(programs.get_program(program_id=program_id),
                                     actor_id=actor_id)


@blp.route("/aid/applications")
class ApplicationsView(MethodView):
    @blp.auth()
    @blp.arguments(AidApplicationCreate)
    @blp.response(201, AidApplicationDetail)
    @blp.errors(404, 409)
    def post(self, body):
        """Start a draft application (for oneself, family, or on someone's behalf)."""
        application = applications.create_application(actor_id=current_user().id, **body)
        return application_detail(application)

    @blp.auth(forbidden=False)
    @blp.arguments(AidApplicationQuery, location="query")
    @blp.response(200, AidApplicationPage)
    def get(self, query):
        """Applications under the officer's orgs, oldest first."""
        items, next_cursor = applications.list_for_officer(actor_id=current_user().id, **query)
        return {"items": application_views(items), "next_cursor": next_cursor}


@blp.route("/me/aid/applications")
class MyApplicationsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, AidApplicationPage)
    def get(self, query):
        """The caller's own applications, newest first."""
        items, next_cursor = applications.list_mine(actor_id=current_user().id, **query)
        return {"items": application_views(items), "next_cursor": next_cursor}


@blp.route("/aid/applications/<int:application_id>")
class ApplicationView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404)
    def get(self, application_id):
        """Status, current step and full history (the applicant or officers over its org)."""
        application = applications.get_visible_application(current_user().id, application_id)
        return application_detail(application)

    @blp.auth()
    @blp.arguments(AidApplicationUpdate)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409)
    def patch(self, body, application_id):
        """Edit a draft or returned application (the applicant, with the version seen)."""
        return application_detail(applications.update_application(
            actor_id=current_user().id, application_id=application_id, **body))


@blp.route("/aid/applications/<int:application_id>/submit")
class SubmitView(MethodView):
    @blp.auth()
    @blp.arguments(AidVersionIn)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409)
    def post(self, body, application_id):
        """Submit (or resubmit after a return): checks window, eligibility and documents."""
        return application_detail(applications.submit(actor_id=current_user().id,
                                          application_id=application_id, **body))


@blp.route("/aid/applications/<int:application_id>/withdraw")
class WithdrawView(MethodView):
    @blp.auth()
    @blp.arguments(AidVersionIn)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409)
    def post(self, body, application_id):
        """Withdraw before the final decision (frees the beneficiary's slot)."""
        return application_detail(applications.withdraw(actor_id=current_user().id,
                                            application_id=application_id, **body))


@blp.route("/aid/applications/<int:application_id>/decisions")
class DecisionsView(MethodView):
    @blp.auth()
    @blp.arguments(AidDecisionIn)
    @blp.response(200, AidApplicationDetail)
    @blp.errors(404, 409)
    def post(self, body, application_id):
        """Approve, return or reject the current step (its org's approver; stale → 409;
        the last approval may answer 409 budget_exhausted)."""
        application = chain.decide(actor_id=current_user().id, application_id=application_id,
                                   **body)
        return application_detail(application)


@blp.route("/aid/applications/<int:application_id>/reveal")
class RevealView(MethodView):
    @blp.auth()
    @blp.arguments(AidRevealIn)
    @blp.response(200, AidRevealOut)
    @blp.errors(404)
    def post(self, body, application_id):
        """Show an officer one whole ID or bank number; audited with the reason."""
        value = applications.reveal(actor_id=current_user().id, application_id=application_id,
                                    **body)
        return {"field": body["field"], "value": value}


@blp.route("/aid/programs/<int:program_id>/batches")
class BatchesView(MethodView):
    @blp.auth()
    @blp.arguments(AidBatchCreate)
    @blp.response(201, AidBatchOut)
    @blp.errors(404, 409)
    def post(self, body, program_id):
        """Put approved applications into a disbursement batch (admin of the owner org)."""
        return disbursement.create_batch(actor_id=current_user().id, program_id=program_id,
                                         **body)

    @blp.auth()
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, AidBatchPage)
    @blp.errors(404)
    def get(self, query, program_id):
        """The program's batches."""
        items, next_cursor = disbursement.list_batches(actor_id=current_user().id,
                                                       program_id=program_id, **query)
        return {"items": items, "next_cursor": next_cursor}


@blp.route("/aid/batches/<int:batch_id>")
class BatchView(MethodView):
    @blp.auth()
    @blp.response(200, AidBatchOut)
    @blp.errors(404)
    def get(self, batch_id):
        """One batch."""
        return disbursement.get_batch(actor_id=current_user().id, batch_id=batch_id)


@blp.route("/aid/batches/<int:batch_id>/paid")
class BatchPaidView(MethodView):
    @blp.auth()
    @blp.arguments(AidVersionIn)
    @blp.response(200, AidBatchOut)
    @blp.errors(404, 409)
    def post(self, body, batch_id):
        """Mark the batch paid: its applications become paid, reserved money paid money."""
        return disbursement.mark_paid(actor_id=current_user().id, batch_id=batch_id, **body)


@blp.route("/aid/batches/<int:batch_id>/applications/<int:application_id>")
class BatchApplicationView(MethodView):
    @blp.auth()
    @blp.response(200, AidBatchOut)
    @blp.errors(404, 409)
    def delete(self, batch_id, application_id):
        """Take an application out of an open batch (admin of the owner org); it stays
        approved, its money stays reserved, and it can join a later batch."""
        return disbursement.remove_from_batch(actor_id=current_user().id, batch_id=batch_id,
                                              application_id=application_id)


@blp.route("/aid/batches/<int:batch_id>/roster.xlsx")
class RosterView(MethodView):
    @blp.auth()
    @blp.arguments(AidRosterQuery, location="query")
    @blp.response(200, content_type=XLSX)
    @blp.errors(404)
    def get(self, query, batch_id):
        """The bank roster with whole account numbers (admin; audited with the reason)."""
        sheets = disbursement.roster(actor_id=current_user().id, batch_id=batch_id, **query)
        return xlsx_response(sheets, f"aid-batch-{batch_id}-roster.xlsx")


@blp.route("/aid/programs/<int:program_id>/stats")
class StatsView(MethodView):
    @blp.auth()
    @blp.response(200, AidProgramStats)
    @blp.errors(404)
    def get(self, program_id):
        """Counts and amounts approved, paid and pending by village, category and tier."""
        return stats.program_stats(actor_id=current_user().id, program_id=program_id)


@blp.route("/aid/programs/<int:program_id>/stats.xlsx")
class StatsXlsxView(MethodView):
    @blp.auth()
    @blp.response(200, content_type=XLSX)
    @blp.errors(404)
    def get(self, program_id):
        """The same statistics as an Excel file."""
        report = stats.program_stats(actor_id=current_user().id, program_id=program_id)
        return xlsx_response(stats.stats_sheets(report), f"aid-program-{program_id}-stats.xlsx")
