"""Privacy endpoints: policies, consents, a person's own data, account cancellation, review."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.core.xlsx import XLSX_MIME, xlsx_response
from app.privacy import access_review, consent, deletion, export
from app.privacy.schemas import (
    ConsentCreate,
    ConsentList,
    ConsentOut,
    DataExport,
    DeletionRequestOut,
    PiiAccessFilter,
    PiiAccessPage,
    PiiAccessQuery,
    PolicyList,
)

blp = ApiBlueprint("privacy", __name__, description="Personal information (个人信息保护)")


@blp.route("/privacy/policies")
class PoliciesView(MethodView):
    @blp.response(200, PolicyList)
    def get(self):
        """The current processing rules of each purpose and the data kinds needing consent."""
        return {"items": consent.current_policies()}


@blp.route("/me/consents")
class ConsentsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, ConsentList)
    def get(self):
        """The caller's consents, newest first; `counts` says whether one is in force."""
        return {"items": consent.list_mine(actor_id=current_user().id)}

    @blp.auth(forbidden=False)
    @blp.arguments(ConsentCreate)
    @blp.response(201, ConsentList)
    @blp.errors(409)
    def post(self, body):
        """Give a separate consent for each data kind of one purpose, to the current policy
        version: one kind (`data_kind`) or several at once (`data_kinds`, e.g. every kind a 403
        consent_required lists in `details.missing`), all recorded or none (409
        policy_version_outdated names the current version). Giving one again returns the
        consent already in force. Officers entering an aid application on someone's behalf
        record that person's signed paper form here in one call (`data_kinds` + `subject` +
        `paper_reference`); a parent consents for a child with `minor_guardian` + `subject`
        (the child) + `guardian_relation`, their own kinds in the same call."""
        return {"items": consent.grant(actor_id=current_user().id, **body)}


@blp.route("/me/consents/<int:consent_id>/withdraw")
class WithdrawConsentView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, ConsentOut)
    @blp.errors(404, 409)
    def post(self, consent_id):
        """Withdraw a consent: new processing that needs it is refused from now on (403
        consent_required). Data already held under a legal basis — an application in review
        or paid — is not deleted by withdrawing; ask for account deletion for that."""
        return consent.withdraw(actor_id=current_user().id, consent_id=consent_id)


@blp.route("/me/data-export")
class DataExportView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, DataExport)
    def get(self):
        """Everything held about the caller: their own values whole, other people's masked."""
        return export.export_for(user_id=current_user().id)


@blp.route("/me/deletion-request")
class DeletionRequestView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(201, DeletionRequestOut)
    def post(self):
        """Cancel the account. Decided now: `blocked` while an application is open (reasons
        name them; ask again once they are closed), else personal data is erased or
        de-identified on `erase_at` (today unless a legal retention period is configured) and
        every login ends then."""
        return deletion.request_deletion(actor_id=current_user().id)

    @blp.auth(forbidden=False)
    @blp.response(200, DeletionRequestOut)
    @blp.errors(404)
    def get(self):
        """The caller's latest deletion request and its decision."""
        return deletion.get_request(user_id=current_user().id)


@blp.route("/orgs/<int:org_id>/pii-access")
class PiiAccessView(MethodView):
    @blp.auth()
    @blp.arguments(PiiAccessQuery, location="query")
    @blp.response(200, PiiAccessPage)
    @blp.errors(404)
    def get(self, query, org_id):
        """Who revealed which personal data in the subtree, newest first (admins)."""
        return access_review.list_access(actor_id=current_user().id, org_id=org_id, **query)


@blp.route("/orgs/<int:org_id>/pii-access.xlsx")
class PiiAccessXlsxView(MethodView):
    @blp.auth()
    @blp.arguments(PiiAccessFilter, location="query")
    @blp.response(200, content_type=XLSX_MIME)
    @blp.errors(404)
    def get(self, query, org_id):
        """The same review as an Excel file."""
        items = access_review.all_access(actor_id=current_user().id, org_id=org_id, **query)
        return xlsx_response(access_review.access_sheets(items), f"pii-access-{org_id}.xlsx")
