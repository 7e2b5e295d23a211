"""The funds statement of an org, from the one journal."""


from app.core.http import ApiBlueprint
from app.core.xlsx import report_routes
from app.ledger import statements
from app.ledger.schemas import FundsQuery, StatementOut

blp = ApiBlueprint("ledger", __name__, description="Funds: one double-entry journal")


report_routes(
    blp, "/orgs/<int:org_id>/funds", query=FundsQuery, schema=StatementOut,
    compute=statements.statement, sheets=statements.statement_sheets,
    filename="org-{org_id}-funds-{year}.xlsx", names=("FundsView", "FundsXlsxView"),
    doc="""The org's statement for a year: received, granted, paid and reserved by purpose
        (officers over the org).""",
    xlsx_doc="The same statement as an Excel file.")
