"""Benefit endpoints: campaigns, what I am entitled to, claims, pick-ups, lottery, exports."""

from flask.views import MethodView

from app.auth.current import current_user
from app.benefits import campaigns, claims, lottery
from app.benefits.schemas import (
    BenefitVersionIn,
    CampaignCreate,
    CampaignDetail,
    CampaignPage,
    CampaignQuery,
    CampaignStatsOut,
    CardPickupIn,
    ClaimIn,
    ClaimOut,
    ClaimPage,
    ClaimQuery,
    CodeImportFile,
    CodeImportOut,
    EntitlementList,
    LotteryOut,
    MyClaimOut,
    MyClaimPage,
    PickupCodePath,
    RosterQuery,
)
from app.core.http import ApiBlueprint, secret_response
from app.core.pagination import ListQuerySchema
from app.core.ratelimit import duplicate_limit, failure_budget, user_or_ip
from app.core.xlsx import XLSX_MIME, xlsx_response

blp = ApiBlueprint("benefits", __name__, description="Benefit campaigns (福利) and claims")


@blp.route("/benefits")
class CampaignsView(MethodView):
    @blp.auth()
    @blp.arguments(CampaignCreate)
    @blp.response(201, CampaignDetail)
    @blp.errors(404)
    def post(self, body):
        """Create a campaign (admin of the owner org): card codes, supplies or an enrolment."""
        return campaigns.create_campaign(actor_id=current_user().id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(CampaignQuery, location="query")
    @blp.response(200, CampaignPage)
    def get(self, query):
        """The campaigns of the orgs the caller is an officer over, newest first; with
        `card_pickup=true` the card pick-up campaigns with a point in the caller's orgs
        (officers and card verifiers)."""
        return campaigns.list_managed(actor_id=current_user().id, **query)


@blp.route("/benefits/<int:campaign_id>")
class CampaignView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, CampaignDetail)
    @blp.errors(404)
    def get(self, campaign_id):
        """One campaign with its pick-up points and whether the caller is eligible."""
        return campaigns.campaign_detail(actor_id=current_user().id, campaign_id=campaign_id)


@blp.route("/me/benefits")
class EntitlementsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, EntitlementList)
    def get(self):
        """What I am entitled to: every campaign I am eligible for, claimed or not, with its
        deadline (soonest first)."""
        return {"items": campaigns.entitlements(actor_id=current_user().id)}


@blp.route("/me/benefits/claims")
class MyClaimsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, MyClaimPage)
    def get(self, query):
        """My claims, newest first."""
        return claims.list_mine(actor_id=current_user().id, **query)


@blp.route("/me/benefits/claims/<int:claim_id>")
class MyClaimView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, MyClaimOut)
    @blp.errors(404)
    @secret_response
    def get(self, claim_id):
        """My claim with its card code or pick-up code (the claimer only)."""
        return claims.my_claim(actor_id=current_user().id, claim_id=claim_id)


@blp.route("/benefits/<int:campaign_id>/claims")
class ClaimsView(MethodView):
    @failure_budget("benefit-duplicates", duplicate_limit, user_or_ip,
                    codes=frozenset({"already_claimed", "not_eligible"}))
    @blp.auth()
    @blp.arguments(ClaimIn)
    @blp.response(201, MyClaimOut)
    @blp.errors(404, 409, 429)
    @secret_response
    def post(self, body, campaign_id):
        """Claim (one per member per campaign): a card code is revealed to the claimer, a
        supply gives a pick-up code and the nearest points with stock, an enrolment records
        the provider's details (consent `benefits`/`id_number` first). 409 sold_out when
        nothing is left; a lottery campaign takes an entry instead."""
        return claims.claim(actor_id=current_user().id, campaign_id=campaign_id, **body)

    @blp.auth()
    @blp.arguments(ClaimQuery, location="query")
    @blp.response(200, ClaimPage)
    @blp.errors(404)
    def get(self, query, campaign_id):
        """The campaign's claims (officers over the owner org)."""
        return claims.list_claims(actor_id=current_user().id, campaign_id=campaign_id,
                                  **query)


@blp.route("/benefits/<int:campaign_id>/codes")
class CodesView(MethodView):
    @blp.auth()
    @blp.arguments(CodeImportFile, location="files")
    @blp.response(200, CodeImportOut)
    @blp.errors(404, 409)
    def post(self, files, campaign_id):
        """Import card codes from CSV or XLSX (admin of the owner org): all or none."""
        upload = files["file"]
        return campaigns.import_codes(actor_id=current_user().id, campaign_id=campaign_id,
                                      filename=upload.filename or "upload",
                                      payload=upload.read())


@blp.route("/benefits/pickups/<string:code>/redeem")
class RedeemView(MethodView):
    @failure_budget("benefit-pickups", duplicate_limit, user_or_ip,
                    codes=frozenset({"not_found"}))
    @blp.auth(forbidden=False)
    @blp.arguments(PickupCodePath, location="path")
    @blp.response(200, ClaimOut)
    @blp.errors(404, 409, 429)
    def post(self, path, code):
        """Hand the goods over: officers of the point's org redeem a pick-up code once
        (404 for a code they may not see; guessing is limited per user: 429)."""
        return claims.redeem(actor_id=current_user().id, code=path["code"])


@blp.route("/benefits/<int:campaign_id>/card-pickups")
class CardPickupView(MethodView):
    @blp.auth()
    @blp.arguments(CardPickupIn)
    @blp.response(200, ClaimOut)
    @blp.errors(404, 409)
    def post(self, body, campaign_id):
        """Hand the goods over on the member's card QR instead of the pick-up code, where
        the campaign allows it (`card_pickup`, else 409 `card_pickup_not_allowed`): officers
        and card verifiers over the claim's pick-up point's org (403 without any such role;
        404 `no_claim_here` when the member has no claim at their points). A code that does
        not verify (expired, forged, a suspended or transferred card) is 422
        `card_not_accepted` with the `verdict`; a claim already handed over is 409
        `already_redeemed`."""
        return claims.redeem_with_card(actor_id=current_user().id, campaign_id=campaign_id,
                                       token=body["token"])


@blp.route("/benefits/<int:campaign_id>/lottery")
class LotteryView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, LotteryOut)
    @blp.errors(404, 409)
    def get(self, campaign_id):
        """The lottery's published inputs and result: seed hash, entrants (masked), seed and
        winners once drawn; anyone can recompute the winners (docs/benefits.md)."""
        return lottery.published(actor_id=current_user().id, campaign_id=campaign_id)


@blp.route("/benefits/<int:campaign_id>/lottery/commit")
class LotteryCommitView(MethodView):
    @blp.auth()
    @blp.arguments(BenefitVersionIn)
    @blp.response(200, LotteryOut)
    @blp.errors(404, 409)
    def post(self, body, campaign_id):
        """After the window: publish the seed's hash and the entrants (admin)."""
        return lottery.commit_seed(actor_id=current_user().id, campaign_id=campaign_id,
                                   **body)


@blp.route("/benefits/<int:campaign_id>/lottery/draw")
class LotteryDrawView(MethodView):
    @blp.auth()
    @blp.arguments(BenefitVersionIn)
    @blp.response(200, LotteryOut)
    @blp.errors(404, 409)
    def post(self, body, campaign_id):
        """Reveal the seed and give the winners their units (admin)."""
        return lottery.draw(actor_id=current_user().id, campaign_id=campaign_id, **body)


@blp.route("/benefits/<int:campaign_id>/stats")
class StatsView(MethodView):
    @blp.auth()
    @blp.response(200, CampaignStatsOut)
    @blp.errors(404)
    def get(self, campaign_id):
        """Claims by status and by org, and the money spent (officers over the owner org)."""
        return campaigns.campaign_stats(actor_id=current_user().id, campaign_id=campaign_id)


@blp.route("/benefits/<int:campaign_id>/roster.xlsx")
class RosterView(MethodView):
    @blp.auth()
    @blp.arguments(RosterQuery, location="query")
    @blp.response(200, content_type=XLSX_MIME)
    @blp.errors(404)
    def get(self, query, campaign_id):
        """The claim roster (masked), or an enrolment's list for the provider with whole ID
        numbers and phones (admin; audited with the reason)."""
        sheets = campaigns.roster(actor_id=current_user().id, campaign_id=campaign_id, **query)
        return xlsx_response(sheets, f"benefit-{campaign_id}-roster.xlsx")
