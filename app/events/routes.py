"""Event endpoints: events, sign-ups and check-in, training requests (点单), works, stats."""

from flask import Response
from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.core.xlsx import XLSX_MIME, report_routes, xlsx_response
from app.events import access, events, requests, signups, stats, works
from app.events.schemas import (
    AttendanceIn,
    CheckinIn,
    EventCancelIn,
    EventCreate,
    EventFinishIn,
    EventOut,
    EventPage,
    EventQuery,
    EventStatsOut,
    RatingIn,
    SignupOut,
    SignupPage,
    SignupQuery,
    StatsQuery,
    TrainingDecisionIn,
    TrainingMenuOut,
    TrainingMenuQuery,
    TrainingRequestCreate,
    TrainingRequestOut,
    TrainingRequestPage,
    TrainingRequestQuery,
    VersionIn,
    ViewOut,
    WorkCreate,
    WorkDecisionIn,
    WorkOut,
    WorkPage,
    WorkQuery,
    WorkResubmitIn,
)

blp = ApiBlueprint("events", __name__,
                   description="Lectures (宣讲), classes (大讲堂), trainings and 点单式 requests")


def _me() -> int:
    return current_user().id


@blp.route("/events")
class EventsView(MethodView):
    @blp.auth()
    @blp.arguments(EventCreate)
    @blp.response(201, EventOut)
    @blp.errors(404)
    def post(self, body):
        """Create a draft event (approver or admin of the org or above)."""
        return events.create_event(actor_id=_me(), **body)

    @blp.auth(forbidden=False)
    @blp.arguments(EventQuery, location="query")
    @blp.response(200, EventPage)
    def get(self, query):
        """Open events, soonest first, with seats left and the caller's sign-up; `managed`:
        an officer's events of any status."""
        return events.list_events(actor_id=_me(), **query)


@blp.route("/events/<int:event_id>")
class EventView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, EventOut)
    @blp.errors(404)
    def get(self, event_id):
        """One event: seats left, map links for a venue, the caller's sign-up."""
        return events.event_detail(actor_id=_me(), event_id=event_id)


@blp.route("/events/by-code/<string(maxlength=32):code>")
class EventByCodeView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, EventOut)
    @blp.errors(404)
    def get(self, code):
        """The event whose venue code was scanned (the `e=` part of the code's scene)."""
        return events.find_by_code(actor_id=_me(), code=code)


@blp.route("/events/<int:event_id>/publish")
class PublishView(MethodView):
    @blp.auth()
    @blp.arguments(VersionIn)
    @blp.response(200, EventOut)
    @blp.errors(404, 409)
    def post(self, body, event_id):
        """Publish a draft: sign-up opens in its window."""
        return events.publish(actor_id=_me(), event_id=event_id, **body)


@blp.route("/events/<int:event_id>/cancel")
class CancelView(MethodView):
    @blp.auth()
    @blp.arguments(EventCancelIn)
    @blp.response(200, EventOut)
    @blp.errors(404, 409)
    def post(self, body, event_id):
        """Cancel a draft or published event; everyone signed up is told the reason."""
        return events.cancel(actor_id=_me(), event_id=event_id, **body)


@blp.route("/events/<int:event_id>/finish")
class FinishView(MethodView):
    @blp.auth()
    @blp.arguments(EventFinishIn)
    @blp.response(200, EventOut)
    @blp.errors(404, 409)
    def post(self, body, event_id):
        """Finish a started event, with the headcount of people there without the app."""
        return events.finish(actor_id=_me(), event_id=event_id, **body)


@blp.route("/events/<int:event_id>/qrcode")
class EventCodeView(MethodView):
    @blp.auth()
    @blp.response(200, content_type="image/png")
    @blp.errors(404, 503)
    def get(self, event_id):
        """The event's mini-program code (PNG) to show at the venue: scanning it checks in."""
        png = events.event_code_png(actor_id=_me(), event_id=event_id)
        return Response(png, mimetype="image/png", headers={
            "Content-Disposition": f'attachment; filename="event-{event_id}.png"'})


@blp.route("/events/<int:event_id>/signups")
class SignupsView(MethodView):
    @blp.auth()
    @blp.response(201, SignupOut)
    @blp.errors(404, 409)
    def post(self, event_id):
        """Sign up: confirmed while seats are left, else waitlisted with a position."""
        return signups.sign_up(actor_id=_me(), event_id=event_id)

    @blp.auth()
    @blp.arguments(SignupQuery, location="query")
    @blp.response(200, SignupPage)
    @blp.errors(404)
    def get(self, query, event_id):
        """The event's sign-ups in order (officers over its org)."""
        return signups.list_signups(actor_id=_me(), event_id=event_id, **query)


@blp.route("/events/<int:event_id>/signups/mine")
class MySignupView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, SignupOut)
    @blp.errors(404)
    def get(self, event_id):
        """The caller's sign-up and waitlist position."""
        return signups.my_signup(actor_id=_me(), event_id=event_id)

    @blp.auth(forbidden=False)
    @blp.response(200, EventOut)
    @blp.errors(404, 409)
    def delete(self, event_id):
        """Cancel one's sign-up before the start; the first waitlisted person is promoted."""
        return signups.cancel_mine(actor_id=_me(), event_id=event_id)


@blp.route("/events/<int:event_id>/checkins")
class CheckinView(MethodView):
    @blp.auth()
    @blp.arguments(CheckinIn)
    @blp.response(201, SignupOut)
    @blp.errors(404, 409)
    def post(self, body, event_id):
        """Check in by scanning the event's code at the venue: within the window, once."""
        return signups.check_in(actor_id=_me(), event_id=event_id, **body)


@blp.route("/events/<int:event_id>/attendance")
class AttendanceView(MethodView):
    @blp.auth()
    @blp.arguments(AttendanceIn)
    @blp.response(201, SignupOut)
    @blp.errors(404, 409)
    def post(self, body, event_id):
        """An officer marks a confirmed person as attended (no phone …), with a reason."""
        return signups.mark_attendance(actor_id=_me(), event_id=event_id, **body)


@blp.route("/events/<int:event_id>/attendance.xlsx")
class AttendanceXlsxView(MethodView):
    @blp.auth()
    @blp.response(200, content_type=XLSX_MIME)
    @blp.errors(404)
    def get(self, event_id):
        """The attendance list as an Excel file (officers over the event's org)."""
        sheets = signups.attendance_sheets(actor_id=_me(), event_id=event_id)
        return xlsx_response(sheets, f"event-{event_id}-attendance.xlsx")


@blp.route("/events/<int:event_id>/rating")
class RatingView(MethodView):
    @blp.auth()
    @blp.arguments(RatingIn)
    @blp.response(201, SignupOut)
    @blp.errors(404, 409)
    def post(self, body, event_id):
        """The one-question rating (1–5) of a finished event, by people who attended, once."""
        return signups.rate(actor_id=_me(), event_id=event_id, **body)


@blp.route("/events/<int:event_id>/views")
class EventViewsView(MethodView):
    @blp.auth()
    @blp.response(201, ViewOut)
    @blp.errors(404, 409)
    def post(self, event_id):
        """A view of an online event's live or replay: counted once per person per day."""
        return signups.record_view(actor_id=_me(), event_id=event_id)


@blp.route("/training-requests")
class TrainingRequestsView(MethodView):
    @blp.auth()
    @blp.arguments(TrainingRequestCreate)
    @blp.response(201, TrainingRequestOut)
    @blp.errors(404)
    def post(self, body):
        """Ask for a training (点单): officers or members of the requesting union; the county
        union above it decides."""
        return requests.create_request(actor_id=_me(), **body)

    @blp.auth(forbidden=False)
    @blp.arguments(TrainingRequestQuery, location="query")
    @blp.response(200, TrainingRequestPage)
    def get(self, query):
        """Requests the officer's orgs asked or decide, newest first; `mine`: one's own."""
        return requests.list_requests(actor_id=_me(), **query)


@blp.route("/training-requests/menu")
class TrainingMenuView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(TrainingMenuQuery, location="query")
    @blp.response(200, TrainingMenuOut)
    @blp.errors(404)
    def get(self, query):
        """The topics the deciding union offers to pick from (free text stays allowed)."""
        return requests.training_menu(actor_id=_me(), **query)


@blp.route("/training-requests/<int:request_id>")
class TrainingRequestView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, TrainingRequestOut)
    @blp.errors(404)
    def get(self, request_id):
        """One request (the requester, officers over the requesting or the deciding org)."""
        return access.get_training_request(_me(), request_id)


@blp.route("/training-requests/<int:request_id>/decisions")
class TrainingDecisionView(MethodView):
    @blp.auth()
    @blp.arguments(TrainingDecisionIn)
    @blp.response(200, TrainingRequestOut)
    @blp.errors(404, 409)
    def post(self, body, request_id):
        """Schedule (creates the linked draft event) or decline with a reason (approvers of
        the deciding union); the requester is told."""
        return requests.decide(actor_id=_me(), request_id=request_id, **body)


@blp.route("/works")
class WorksView(MethodView):
    @blp.auth()
    @blp.arguments(WorkCreate)
    @blp.response(201, WorkOut)
    def post(self, body):
        """Submit a work (members); the officers of the member's union review it."""
        return works.submit_work(actor_id=_me(), **body)

    @blp.auth(forbidden=False)
    @blp.arguments(WorkQuery, location="query")
    @blp.response(200, WorkPage)
    def get(self, query):
        """Published works, newest first, with views; `mine`: one's own in any status."""
        return works.list_works(actor_id=_me(), **query)


@blp.route("/works/<int:work_id>")
class WorkView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, WorkOut)
    @blp.errors(404)
    def get(self, work_id):
        """One work (published, or one's own, or for officers over its union)."""
        return access.get_work(_me(), work_id)

    @blp.auth()
    @blp.arguments(WorkResubmitIn)
    @blp.response(200, WorkOut)
    @blp.errors(404, 409)
    def patch(self, body, work_id):
        """The author changes a returned work and submits it again."""
        return works.resubmit(actor_id=_me(), work_id=work_id, **body)


@blp.route("/works/<int:work_id>/decisions")
class WorkDecisionView(MethodView):
    @blp.auth()
    @blp.arguments(WorkDecisionIn)
    @blp.response(200, WorkOut)
    @blp.errors(404, 409)
    def post(self, body, work_id):
        """Publish or return (with a reason) a submitted work (officers over its union)."""
        return works.decide(actor_id=_me(), work_id=work_id, **body)


@blp.route("/works/<int:work_id>/views")
class WorkViewsView(MethodView):
    @blp.auth()
    @blp.response(201, ViewOut)
    @blp.errors(404)
    def post(self, work_id):
        """A view of a published work: counted once per person per day."""
        return works.record_view(actor_id=_me(), work_id=work_id)


report_routes(
    blp, "/orgs/<int:org_id>/event-stats", query=StatsQuery, schema=EventStatsOut,
    compute=stats.event_stats, sheets=stats.stats_sheets,
    filename="event-stats-{org_id}-{year}.xlsx", names=("EventStatsView", "EventStatsXlsxView"),
    doc="""Sessions by kind and place type, people reached, online views, training requests,
        top speakers of the org's subtree in a year (officers over the org).""")
