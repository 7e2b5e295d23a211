"""The funds statement of an org, from the one journal."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.core.xlsx import XLSX_MIME, xlsx_response
from app.ledger import statements
from app.ledger.schemas import FundsQuery, StatementOut

blp = ApiBlueprint("ledger", __name__, description="Funds: one double-entry journal")


@blp.route("/orgs/<int:org_id>/funds")
class FundsView(MethodView):
    @blp.auth()
    @blp.arguments(FundsQuery, location="query")
    @blp.response(200, StatementOut)
    @blp.errors(404)
    def get(self, query, org_id):
        """The org's statement for a year: received, granted, paid and reserved by purpose
        (officers over the org)."""
        return statements.statement(actor_id=current_user().id, org_id=org_id, **query)


@blp.route("/orgs/<int:org_id>/funds.xlsx")
class FundsXlsxView(MethodView):
    @blp.auth()
    @blp.arguments(FundsQuery, location="query")
    @blp.response(200, content_type=XLSX_MIME)
    @blp.errors(404)
    def get(self, query, org_id):
        """The same statement as an Excel file."""
        found = statements.statement(actor_id=current_user().id, org_id=org_id, **query)
        return xlsx_response(statements.statement_sheets(found),
                             f"org-{org_id}-funds-{query['year']}.xlsx")
