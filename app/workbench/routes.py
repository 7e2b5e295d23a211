"""Workbench endpoints under /api/v1/workbench."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.workbench import batches, todos
from app.workbench.schemas import BatchIn, BatchOut, Counts, TodoPage, TodoQuery

blp = ApiBlueprint("workbench", __name__, description="Officer to-do queue")


@blp.route("/workbench/todos")
class TodosView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(TodoQuery, location="query")
    @blp.response(200, TodoPage)
    @blp.errors(404)
    def get(self, query):
        """Everything waiting on the caller, oldest first (empty for non-officers)."""
        return todos.todos(user_id=current_user().id, **query)


@blp.route("/workbench/counts")
class CountsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, Counts)
    def get(self):
        """Badge counts per kind."""
        return todos.counts(user_id=current_user().id)


@blp.route("/workbench/batch-decisions")
class BatchView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(BatchIn)
    @blp.response(200, BatchOut)
    def post(self, body):
        """Decide many items, each in its own transaction; the result of each is listed."""
        return {"results": batches.batch_decide(user_id=current_user().id, **body)}
