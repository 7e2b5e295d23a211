"""Org tree, officers and audit endpoints."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.orgs import service
from app.orgs.schemas import (
    AuditPage,
    AuditQuery,
    OfficerGrant,
    OfficerList,
    OfficerOut,
    OrgCreate,
    OrgList,
    OrgOut,
    OrgPage,
    OrgQuery,
    OrgUpdate,
)

blp = ApiBlueprint("orgs", __name__, description="Union org tree, officers and audit")


@blp.route("/orgs")
class OrgsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(OrgQuery, location="query")
    @blp.response(200, OrgPage)
    @blp.errors(404)
    def get(self, query):
        """The cascading picker: children of `parent_id` (the top orgs when it is absent),
        or with `q` a name search; each org says whether it has children and its path of
        names from the top org."""
        return service.list_orgs(**query)

    @blp.auth()
    @blp.arguments(OrgCreate)
    @blp.response(201, OrgOut)
    @blp.errors(404)
    def post(self, body):
        """Create an org under one in the admin's subtree."""
        return service.create_org(actor_id=current_user().id, **body)


@blp.route("/orgs/<int:org_id>")
class OrgView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, OrgOut)
    @blp.errors(404)
    def get(self, org_id):
        """One org."""
        return service.org_detail(org_id=org_id)

    @blp.auth()
    @blp.arguments(OrgUpdate)
    @blp.response(200, OrgOut)
    @blp.errors(404, 409)
    def patch(self, body, org_id):
        """Rename, set the region code, or move within the admin's subtree."""
        return service.update_org(actor_id=current_user().id, org_id=org_id, changes=body)


@blp.route("/orgs/<int:org_id>/ancestors")
class AncestorsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, OrgList)
    @blp.errors(404)
    def get(self, org_id):
        """From the top org down to the parent."""
        return {"items": service.ancestors(org_id=org_id)}


@blp.route("/orgs/<int:org_id>/officers")
class OfficersView(MethodView):
    @blp.auth()
    @blp.response(200, OfficerList)
    @blp.errors(404)
    def get(self, org_id):
        """Role grants on this org (admins)."""
        return {"items": service.list_officers(actor_id=current_user().id, org_id=org_id)}

    @blp.auth()
    @blp.arguments(OfficerGrant)
    @blp.response(201, OfficerOut)
    @blp.errors(404, 409)
    def post(self, body, org_id):
        """Grant a role on this org to a user (by id or openid)."""
        return service.grant_role(actor_id=current_user().id, org_id=org_id, **body)


@blp.route("/orgs/<int:org_id>/officers/<int:grant_id>")
class OfficerView(MethodView):
    @blp.auth()
    @blp.response(204)
    @blp.errors(404)
    def delete(self, org_id, grant_id):
        """Take a role away."""
        service.revoke_role(actor_id=current_user().id, org_id=org_id, grant_id=grant_id)


@blp.route("/orgs/<int:org_id>/audit")
class AuditView(MethodView):
    @blp.auth()
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditPage)
    @blp.errors(404)
    def get(self, query, org_id):
        """Audit records of the org's subtree, newest first (admins)."""
        return service.audit_trail(actor_id=current_user().id, org_id=org_id, **query)
