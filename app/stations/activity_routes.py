"""Check-ins, visit counts, the station's mini-program code, feedback and its review."""

from flask import Response
from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint, ListQuerySchema, cursor_id, page
from app.stations import activity
from app.stations.schemas import (
    CheckinOut,
    FeedbackAnswer,
    FeedbackCreate,
    FeedbackOut,
    FeedbackPage,
    FeedbackReview,
    VisitList,
    VisitsQuery,
)

blp = ApiBlueprint("station_activity", __name__,
                   description="Station check-ins, visits and feedback")


@blp.route("/stations/<int:station_id>/checkins")
class CheckinView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(201, CheckinOut)
    @blp.errors(404)
    def post(self, station_id):
        """Check in after scanning the station's code (counted once per 10 minutes)."""
        counted, visits = activity.check_in(user_id=current_user().id, station_id=station_id)
        return {"counted": counted, "visits_today": visits}


@blp.route("/stations/<int:station_id>/visits")
class VisitsView(MethodView):
    @blp.auth()
    @blp.arguments(VisitsQuery, location="query")
    @blp.response(200, VisitList)
    @blp.errors(404)
    def get(self, query, station_id):
        """Visits per day (Asia/Shanghai) for officers over the station's org."""
        rows = activity.visits(actor_id=current_user().id, station_id=station_id, **query)
        return {"items": rows}


@blp.route("/stations/<int:station_id>/qrcode")
class QrCodeView(MethodView):
    @blp.auth()
    @blp.response(200, content_type="image/png")
    @blp.errors(404, 503)
    def get(self, station_id):
        """The station's mini-program code (PNG) to print on its sign (admins)."""
        png = activity.station_code_png(actor_id=current_user().id, station_id=station_id)
        return Response(png, mimetype="image/png", headers={
            "Content-Disposition": f'attachment; filename="station-{station_id}.png"'})


@blp.route("/stations/<int:station_id>/feedback")
class FeedbackView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(FeedbackCreate)
    @blp.response(201, FeedbackOut)
    @blp.errors(404, 503)
    def post(self, body, station_id):
        """Rate the station 1–5 with optional text (WeChat content check applies)."""
        return activity.leave_feedback(user=current_user(), station_id=station_id, **body)

    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, FeedbackPage)
    @blp.errors(404)
    def get(self, query, station_id):
        """Published feedback, newest first (public)."""
        rows = activity.public_feedback(station_id=station_id, limit=query["limit"] + 1,
                                        after_id=cursor_id(query["cursor"]))
        items, next_cursor = page(rows, query["limit"])
        return {"items": items, "next_cursor": next_cursor}


@blp.route("/feedback/<int:feedback_id>/review")
class FeedbackReviewView(MethodView):
    @blp.auth()
    @blp.arguments(FeedbackReview)
    @blp.response(200, FeedbackOut)
    @blp.errors(404, 409)
    def post(self, body, feedback_id):
        """Publish or reject feedback held by the content check (station admins)."""
        return activity.review(actor_id=current_user().id, feedback_id=feedback_id, **body)


@blp.route("/feedback/<int:feedback_id>/answer")
class FeedbackAnswerView(MethodView):
    @blp.auth()
    @blp.arguments(FeedbackAnswer)
    @blp.response(200, FeedbackOut)
    @blp.errors(404, 409)
    def post(self, body, feedback_id):
        """Answer a worker's feedback; they get a notice."""
        return activity.answer(actor_id=current_user().id, feedback_id=feedback_id,
                               text=body["answer"], version=body["version"])
