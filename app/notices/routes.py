"""Notice endpoints: current notices (public), objections and their resolution."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.core.pagination import ListQuerySchema
from app.notices import objections, service
from app.notices.schemas import (
    NoticeOut,
    NoticePage,
    NoticeQuery,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
    ObjectionPage,
)

blp = ApiBlueprint("notices", __name__, description="Public notices (公示) and objections")


@blp.route("/notices")
class NoticesView(MethodView):
    @blp.arguments(NoticeQuery, location="query")
    @blp.response(200, NoticePage)
    @blp.errors(404)
    def get(self, query):
        """Current notices of an org and the orgs under it (public; names masked)."""
        return service.list_current(**query)


@blp.route("/notices/<int:notice_id>")
class NoticeView(MethodView):
    @blp.response(200, NoticeOut)
    @blp.errors(404)
    def get(self, notice_id):
        """One notice (public; the name masked)."""
        return service.get_notice(notice_id)


@blp.route("/notices/<int:notice_id>/objections")
class NoticeObjectionsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ObjectionIn)
    @blp.response(201, ObjectionOut)
    @blp.errors(404, 409, 422, 503)
    def post(self, body, notice_id):
        """Object to a notice with a reason (anyone logged in; one open objection per
        person and notice). The reason passes WeChat's content check (422 content_rejected,
        nothing stored). The notice's clock stops until an officer resolves it: dismissed,
        it runs on for the working days it had left (`ends_on` moves); upheld, it stops."""
        return objections.lodge(actor_id=current_user().id, notice_id=notice_id, **body)

    @blp.auth()
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, ObjectionPage)
    @blp.errors(404)
    def get(self, query, notice_id):
        """The notice's objections, oldest first (officers over its org)."""
        return objections.list_for_notice(actor_id=current_user().id, notice_id=notice_id,
                                          **query)


@blp.route("/me/notice-objections")
class MyObjectionsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, ObjectionPage)
    def get(self, query):
        """The caller's own objections and how they were resolved, newest first."""
        return objections.list_mine(actor_id=current_user().id, **query)


@blp.route("/notice-objections/<int:objection_id>")
class ObjectionView(MethodView):
    @blp.auth()
    @blp.response(200, ObjectionOut)
    @blp.errors(404)
    def get(self, objection_id):
        """One objection (its author, or officers over the notice's org)."""
        return objections.get_objection(current_user().id, objection_id)


@blp.route("/notice-objections/<int:objection_id>/decision")
class ObjectionDecisionView(MethodView):
    @blp.auth()
    @blp.arguments(ObjectionDecisionIn)
    @blp.response(200, ObjectionOut)
    @blp.errors(404, 409)
    def post(self, body, objection_id):
        """Uphold (the subject goes back: a file is returned, an application too) or
        dismiss (the notice runs on) — an approver over the notice's org, with a reason."""
        return objections.resolve(actor_id=current_user().id, objection_id=objection_id,
                                  **body)
