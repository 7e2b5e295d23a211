"""Identity endpoints: login, refresh, logout, phone, me."""

from flask.views import MethodView
from flask_jwt_extended import get_jwt

from app.auth import service
from app.auth.current import current_session_id, current_user
from app.auth.schemas import PhoneBind, TokenPair, UserOut, WxLogin
from app.core.http import ApiBlueprint, secret_response
from app.core.ratelimit import client_ip, login_limit, rate_limit

blp = ApiBlueprint("auth", __name__, description="WeChat login and the current user")


@blp.route("/auth/wx-login")
class WxLoginView(MethodView):
    @rate_limit("login", login_limit, client_ip)
    @blp.arguments(WxLogin)
    @blp.response(200, TokenPair)
    @blp.errors(401, 429, 503)
    @secret_response
    def post(self, body):
        """Log in with the code from wx.login; creates the user on first login."""
        return service.wx_login(code=body["code"])


@blp.route("/auth/refresh")
class RefreshView(MethodView):
    @blp.auth(refresh=True, forbidden=False)
    @blp.response(200, TokenPair)
    @secret_response
    def post(self):
        """Spend the refresh token (as Bearer) for a new pair."""
        return service.refresh(token_payload=get_jwt())


@blp.route("/auth/logout")
class LogoutView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(204)
    def post(self):
        """Revoke the access and refresh tokens of this login."""
        service.logout(session_id=current_session_id())


@blp.route("/auth/phone")
class PhoneView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(PhoneBind)
    @blp.response(200, UserOut)
    @blp.errors(401, 429, 503)
    def post(self, body):
        """Bind the phone number from a getPhoneNumber code; returned masked."""
        return service.profile(service.bind_phone(user=current_user(), code=body["code"]))


@blp.route("/me")
class MeView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, UserOut)
    def get(self):
        """The current user: masked phone and officer roles."""
        return service.profile(current_user())
