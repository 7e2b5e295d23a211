"""揭榜挂帅 endpoints. Every route needs a login: the mini-program always sends a token, and
published projects are visible to every logged-in user (drafts only to officers in scope)."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.core.pagination import ListQuerySchema
from app.projects import awards, bids, mine, projects, reports, review, stats, team, tranches
from app.projects.schemas import (
    AwardBody,
    BidCreate,
    BidList,
    BidOut,
    BidUpdate,
    CancelBody,
    EvaluationBody,
    HoursBody,
    HoursOut,
    MyBidPage,
    MyProjectPage,
    ProjectCreate,
    ProjectOut,
    ProjectPage,
    ProjectQuery,
    ProjectStats,
    ProjectUpdate,
    ReportCreate,
    ReportList,
    ReportOut,
    SurveyBody,
    TeamAdd,
    TeamList,
    TeamMemberOut,
    TrancheCreate,
    TrancheList,
    TrancheOut,
    VersionBody,
    VolunteerBody,
)

blp = ApiBlueprint("projects", __name__, description="揭榜挂帅 projects")


def me() -> int:
    return current_user().id


@blp.route("/projects")
class ProjectsView(MethodView):
    @blp.auth()
    @blp.arguments(ProjectCreate)
    @blp.response(201, ProjectOut)
    @blp.errors(404)
    def post(self, body):
        """Create a draft (approver or admin of the org)."""
        return projects.create(actor_id=me(), **body)

    @blp.auth(forbidden=False)
    @blp.arguments(ProjectQuery, location="query")
    @blp.response(200, ProjectPage)
    @blp.errors(404)
    def get(self, query):
        """The list, newest first: published projects for everyone, drafts for officers."""
        return projects.list_projects(actor_id=me(), **query)


@blp.route("/me/bids")
class MyBidsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, MyBidPage)
    def get(self, query):
        """The caller's bids, newest first, each with its project's title and state (and
        labels); withdrawn bids included."""
        return mine.my_bids(actor_id=me(), **query)


@blp.route("/me/projects")
class MyProjectsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, MyProjectPage)
    def get(self, query):
        """Projects the caller leads or works on (working group, instructor, volunteer),
        newest place first: one item per role, with the hours logged for them there."""
        return mine.my_projects(actor_id=me(), **query)


@blp.route("/projects/<int:project_id>")
class ProjectView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, ProjectOut)
    @blp.errors(404)
    def get(self, project_id):
        """One project with its progress per goal and satisfaction rate."""
        return projects.show_project(actor_id=me(), project_id=project_id)

    @blp.auth()
    @blp.arguments(ProjectUpdate)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def patch(self, body, project_id):
        """Edit a draft with the version you saw."""
        return projects.update_draft(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/publish")
class PublishView(MethodView):
    @blp.auth()
    @blp.arguments(VersionBody)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Open a draft for bids until its deadline."""
        return projects.publish(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/cancel")
class CancelView(MethodView):
    @blp.auth()
    @blp.arguments(CancelBody)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Cancel a draft or published project; bidders are told."""
        return projects.cancel(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/bids")
class BidsView(MethodView):
    @blp.auth()
    @blp.arguments(BidCreate)
    @blp.response(201, BidOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Bid (揭榜): approved members only, before the deadline, one live bid each."""
        return bids.submit(actor_id=me(), project_id=project_id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, BidList)
    @blp.errors(404)
    def get(self, query, project_id):
        """Officers over the project see every bid; a bidder sees only their own."""
        return bids.list_bids(actor_id=me(), project_id=project_id, **query)


@blp.route("/projects/<int:project_id>/bids/<int:bid_id>")
class BidView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(BidUpdate)
    @blp.response(200, BidOut)
    @blp.errors(404, 409)
    def patch(self, body, project_id, bid_id):
        """Edit your bid before the deadline."""
        return bids.edit(actor_id=me(), project_id=project_id, bid_id=bid_id, **body)


@blp.route("/projects/<int:project_id>/bids/<int:bid_id>/withdraw")
class WithdrawView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(VersionBody)
    @blp.response(200, BidOut)
    @blp.errors(404, 409)
    def post(self, body, project_id, bid_id):
        """Withdraw your bid until the award."""
        return bids.withdraw(actor_id=me(), project_id=project_id, bid_id=bid_id, **body)


@blp.route("/projects/<int:project_id>/award")
class AwardView(MethodView):
    @blp.auth()
    @blp.arguments(AwardBody)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Pick the winning bid after the deadline (approver); exactly one award wins."""
        return awards.award(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/start")
class StartView(MethodView):
    @blp.auth()
    @blp.arguments(VersionBody)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Start the work (the leader or a managing officer)."""
        return projects.start(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/team")
class TeamView(MethodView):
    @blp.auth()
    @blp.arguments(TeamAdd)
    @blp.response(201, TeamMemberOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Add a working-group officer or an instructor (指导员)."""
        return team.add_to_team(actor_id=me(), project_id=project_id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, TeamList)
    @blp.errors(404)
    def get(self, query, project_id):
        """The leader, working group, instructors and volunteers with their hours."""
        return team.list_team(actor_id=me(), project_id=project_id, **query)


@blp.route("/projects/<int:project_id>/volunteers")
class VolunteersView(MethodView):
    @blp.auth()
    @blp.arguments(VolunteerBody)
    @blp.response(201, TeamMemberOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Sign up as a volunteer (approved members)."""
        return team.volunteer(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/volunteers/<int:team_member_id>/hours")
class HoursView(MethodView):
    @blp.auth()
    @blp.arguments(HoursBody)
    @blp.response(201, HoursOut)
    @blp.errors(404, 409)
    def post(self, body, project_id, team_member_id):
        """The leader logs a volunteer's hours."""
        return team.log_hours(actor_id=me(), project_id=project_id,
                              team_member_id=team_member_id, **body)


@blp.route("/projects/<int:project_id>/reports")
class ReportsView(MethodView):
    @blp.auth()
    @blp.arguments(ReportCreate)
    @blp.response(201, ReportOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """A progress report by the leader: KPI actuals to date per goal."""
        return reports.add_report(actor_id=me(), project_id=project_id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, ReportList)
    @blp.errors(404)
    def get(self, query, project_id):
        """Progress reports, oldest first."""
        return reports.list_reports(actor_id=me(), project_id=project_id, **query)


@blp.route("/projects/<int:project_id>/tranches")
class TranchesView(MethodView):
    @blp.auth()
    @blp.arguments(TrancheCreate)
    @blp.response(201, TrancheOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """Release funds for a milestone; the sum never exceeds the budget."""
        return tranches.release_tranche(actor_id=me(), project_id=project_id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, TrancheList)
    @blp.errors(404)
    def get(self, query, project_id):
        """Released tranches, oldest first."""
        return tranches.list_tranches(actor_id=me(), project_id=project_id, **query)


@blp.route("/projects/<int:project_id>/submit")
class SubmitView(MethodView):
    @blp.auth()
    @blp.arguments(VersionBody)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """The leader submits the result for 问效."""
        return review.submit_for_review(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/evaluation")
class EvaluationView(MethodView):
    @blp.auth()
    @blp.arguments(EvaluationBody)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """An approver scores the result: completed, failed or rework."""
        return review.evaluate(actor_id=me(), project_id=project_id, **body)


@blp.route("/projects/<int:project_id>/survey")
class SurveyView(MethodView):
    @blp.auth()
    @blp.arguments(SurveyBody)
    @blp.response(200, ProjectOut)
    @blp.errors(404, 409)
    def post(self, body, project_id):
        """A beneficiary's one-question satisfaction answer (one per user; a new one replaces it).

        Beneficiaries are the approved union members of the project's org or an org under it;
        anyone else is 403 `not_beneficiary`, the leader and the team 403 `own_project`.
        """
        return review.answer_survey(actor_id=me(), project_id=project_id, **body)


@blp.route("/orgs/<int:org_id>/project-stats")
class StatsView(MethodView):
    @blp.auth()
    @blp.response(200, ProjectStats)
    @blp.errors(404)
    def get(self, org_id):
        """Published, taken, running, finished, failed, funds and volunteers, per level."""
        return stats.project_stats(actor_id=me(), org_id=org_id)
