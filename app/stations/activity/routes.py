"""Check-ins, visit counts, the station's mini-program code, feedback and its review."""

from flask import Response
from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.core.pagination import ListQuerySchema
from app.stations.activity import checkins, feedback, visits
from app.stations.activity.schemas import (
    CardCheckinCreate,
    CardCheckinOut,
    CheckinCreate,
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
    @blp.auth()
    @blp.arguments(CheckinCreate)
    @blp.response(201, CheckinOut)
    @blp.errors(404)
    def post(self, body, station_id):
        """Check in with the scene of the station's code (counted once per 10 minutes).

        A scene that is not this station's sign is 403 `wrong_station_code` and not counted.
        """
        return checkins.check_in(actor_id=current_user().id, station_id=station_id, **body)


@blp.route("/stations/<int:station_id>/checkins/card")
class CardCheckinView(MethodView):
    @blp.auth()
    @blp.arguments(CardCheckinCreate)
    @blp.response(201, CardCheckinOut)
    @blp.errors(404)
    def post(self, body, station_id):
        """Station staff check a member in by scanning the member's card QR (officers and
        card verifiers over the station's org; 404 for a station outside their orgs).

        Counted once per member per station per 10 minutes, like a scan of the sign: the same
        or a fresh code again within them answers `counted: false`. A code that does not
        verify (malformed, forged, unknown key, expired, a suspended or transferred card) is
        422 `card_not_accepted` with the `verdict`, and nothing is counted.
        """
        return checkins.check_in_with_card(actor_id=current_user().id, station_id=station_id,
                                           token=body["token"])


@blp.route("/stations/<int:station_id>/visits")
class VisitsView(MethodView):
    @blp.auth()
    @blp.arguments(VisitsQuery, location="query")
    @blp.response(200, VisitList)
    @blp.errors(404)
    def get(self, query, station_id):
        """Visits per day (Asia/Shanghai) for officers over the station's org."""
        return {"items": visits.visits(actor_id=current_user().id, station_id=station_id,
                                       **query)}


@blp.route("/stations/<int:station_id>/qrcode")
class QrCodeView(MethodView):
    @blp.auth()
    @blp.response(200, content_type="image/png")
    @blp.errors(404, 503)
    def get(self, station_id):
        """The station's mini-program code (PNG) to print on its sign (admins)."""
        png = checkins.station_code_png(actor_id=current_user().id, station_id=station_id)
        return Response(png, mimetype="image/png", headers={
            "Content-Disposition": f'attachment; filename="station-{station_id}.png"'})


@blp.route("/stations/<int:station_id>/feedback")
class FeedbackView(MethodView):
    @blp.auth()
    @blp.arguments(FeedbackCreate)
    @blp.response(201, FeedbackOut)
    @blp.errors(404, 409, 503)
    def post(self, body, station_id):
        """Rate the station 1–5 with optional text (WeChat content check applies).

        Needs a check-in at the station in the last `RATING_CHECKIN_DAYS` days (7 by default;
        else 403 `checkin_required`). A user's rating counts once per station: new feedback
        replaces their earlier rating (the earlier text stays listed).
        """
        return feedback.leave_feedback(user=current_user(), station_id=station_id, **body)

    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, FeedbackPage)
    @blp.errors(404)
    def get(self, query, station_id):
        """Published feedback, newest first (public)."""
        return feedback.public_feedback(station_id=station_id, **query).as_dict()


@blp.route("/feedback/<int:feedback_id>/review")
class FeedbackReviewView(MethodView):
    @blp.auth()
    @blp.arguments(FeedbackReview)
    @blp.response(200, FeedbackOut)
    @blp.errors(404, 409)
    def post(self, body, feedback_id):
        """Publish or reject feedback held by the content check (station admins)."""
        return feedback.review(actor_id=current_user().id, feedback_id=feedback_id, **body)


@blp.route("/feedback/<int:feedback_id>/answer")
class FeedbackAnswerView(MethodView):
    @blp.auth()
    @blp.arguments(FeedbackAnswer)
    @blp.response(200, FeedbackOut)
    @blp.errors(404, 409)
    def post(self, body, feedback_id):
        """Answer a worker's feedback; they get a notice."""
        return feedback.answer(actor_id=current_user().id, feedback_id=feedback_id,
                               text=body["answer"], version=body["version"])
