"""The user's subscribe-message consent and in-app messages."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.notify import messages, subscriptions
from app.notify.schemas import (
    Credits,
    MessagePage,
    MessageQuery,
    SubscribeTemplates,
    SubscriptionsIn,
    UnreadCount,
)

blp = ApiBlueprint("notify", __name__, description="Subscriptions and in-app messages")


@blp.route("/me/subscriptions")
class SubscriptionsView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(SubscriptionsIn)
    @blp.response(200, Credits)
    def post(self, body):
        """Record wx.requestSubscribeMessage's answer (one-time: one accept, one message)."""
        return {"items": subscriptions.record_subscriptions(user_id=current_user().id,
                                                            **body)}

    @blp.auth(forbidden=False)
    @blp.response(200, SubscribeTemplates)
    def get(self):
        """Every subscribe-message template: its id, what it is for, and the caller's credits
        left, so the client asks for the right ones without reading any config."""
        return {"items": subscriptions.templates_of(current_user().id)}


@blp.route("/me/messages")
class MessagesView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(MessageQuery, location="query")
    @blp.response(200, MessagePage)
    def get(self, query):
        """In-app messages, newest first, whether or not WeChat delivered them."""
        return messages.inbox(user_id=current_user().id, **query)


@blp.route("/me/messages/unread-count")
class UnreadView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, UnreadCount)
    def get(self):
        """The badge number."""
        return messages.Unread(messages.unread_count(user_id=current_user().id))


@blp.route("/me/messages/<int:message_id>/read")
class ReadView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, UnreadCount)
    @blp.errors(404)
    def post(self, message_id):
        """Mark one message read."""
        return messages.mark_read(user_id=current_user().id, message_id=message_id)


@blp.route("/me/messages/read-all")
class ReadAllView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, UnreadCount)
    def post(self):
        """Mark every message read."""
        return messages.mark_read(user_id=current_user().id, message_id=None)
