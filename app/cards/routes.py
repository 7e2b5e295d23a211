"""Member card endpoints: the holder's card, verification, the published keys, suspension."""

from flask import current_app
from flask.views import MethodView

from app.auth.current import current_user
from app.cards import cards, tokens
from app.cards.schemas import (
    CardOut,
    KeysOut,
    ReinstateIn,
    SuspendIn,
    VerdictOut,
    VerifyIn,
)
from app.core.http import ApiBlueprint, secret_response

blp = ApiBlueprint("cards", __name__, description="Electronic member cards (电子会员卡)")


@blp.route("/me/card")
class MyCardView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, CardOut)
    @blp.errors(404)
    @secret_response
    def get(self):
        """The caller's member card with a fresh QR token (valid `CARD_TOKEN_SECONDS`, fetch
        a new one after `refresh_after_seconds`); 404 not_a_member without an approved
        membership. A suspended card has no token."""
        return cards.my_card(actor_id=current_user().id)


@blp.route("/cards/verify")
class VerifyView(MethodView):
    @blp.auth()
    @blp.arguments(VerifyIn)
    @blp.response(200, VerdictOut)
    def post(self, body):
        """Check a card's QR (officers and card verifiers): valid with the masked name, org
        and status, or the reason it is not (malformed, unknown_key, forged, expired,
        revoked, suspended) and nothing else."""
        return cards.verify(actor_id=current_user().id, token=body["token"])


@blp.route("/cards/keys")
class KeysView(MethodView):
    @blp.response(200, KeysOut)
    def get(self):
        """The public keys of card tokens, as JWKs by key id, for offline checks (public):
        the current key and those retired by a rotation (`flask gonghui cards rotate-key`)
        with their `not_after`, so codes signed before a rotation keep verifying until they
        expire. A retired key is dropped `CARD_KEY_GRACE_SECONDS` after its `not_after`.
        Cache the list and fetch it again on an unknown key id."""
        return {"keys": tokens.public_keys(),
                "token_lifetime_seconds": current_app.config["CARD_TOKEN_SECONDS"]}


@blp.route("/cards/<int:card_id>")
class CardView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, CardOut)
    @blp.errors(404)
    def get(self, card_id):
        """One card (its holder or officers over the membership's org), without a token."""
        return cards.officer_card(actor_id=current_user().id, card_id=card_id)


@blp.route("/cards/by-number/<string(maxlength=32):number>")
class CardByNumberView(MethodView):
    @blp.auth()
    @blp.response(200, CardOut)
    @blp.errors(404)
    def get(self, number):
        """The card with this number (`number` of a verification's answer), for officers over
        the membership's org, without a token; audited (`card.lookup`). 404 for an unknown
        number and for callers who may not see the card alike."""
        return cards.card_by_number(actor_id=current_user().id, number=number)


@blp.route("/memberships/<int:membership_id>/card")
class MembershipCardView(MethodView):
    @blp.auth()
    @blp.response(200, CardOut)
    @blp.errors(404)
    def get(self, membership_id):
        """The card of an approved membership, for officers over its org."""
        return cards.card_of_membership(actor_id=current_user().id,
                                        membership_id=membership_id)


@blp.route("/cards/<int:card_id>/suspend")
class SuspendView(MethodView):
    @blp.auth()
    @blp.arguments(SuspendIn)
    @blp.response(200, CardOut)
    @blp.errors(404, 409)
    def post(self, body, card_id):
        """Suspend a card (approvers and admins over the org) with the version seen; every
        code issued before stops verifying."""
        return cards.suspend(actor_id=current_user().id, card_id=card_id, **body)


@blp.route("/cards/<int:card_id>/reinstate")
class ReinstateView(MethodView):
    @blp.auth()
    @blp.arguments(ReinstateIn)
    @blp.response(200, CardOut)
    @blp.errors(404, 409)
    def post(self, body, card_id):
        """Make a suspended card valid again (new codes; the old ones stay void)."""
        return cards.reinstate(actor_id=current_user().id, card_id=card_id, **body)
