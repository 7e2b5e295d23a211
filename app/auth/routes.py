"""Identity endpoints: login, refresh, logout, phone, me."""

from flask import Response
from flask.views import MethodView
from flask_jwt_extended import get_jwt

from app.auth import service
from app.auth.current import current_session_id, current_user
from app.auth.schemas import PhoneBind, ProfileUpdate, TokenPair, UserOut, WxLogin
from app.core.http import ApiBlueprint, secret_response
from app.core.ratelimit import (
    client_ip,
    failure_budget,
    login_failure_limit,
    login_limit,
    rate_limit,
)

blp = ApiBlueprint("auth", __name__, description="WeChat login and the current user")


@blp.route("/auth/wx-login")
class WxLoginView(MethodView):
    @rate_limit("login", login_limit, client_ip)
    @failure_budget("login-failures", login_failure_limit, client_ip,
                    codes=frozenset({"wechat_code_invalid"}))
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
        """The current user: nickname and picture, masked phone, officer roles and the union
        membership (state with its label, and the org)."""
        return service.profile(current_user())

    @blp.auth(forbidden=False)
    @blp.arguments(ProfileUpdate)
    @blp.response(200, UserOut)
    @blp.errors(503)
    def patch(self, body):
        """Set the nickname and/or picture the WeChat way: `chooseAvatar` gives a temp file,
        upload it with POST /files, then send its id here with the nickname from
        `<input type="nickname">`. The picture must be an image the caller uploaded (422
        avatar_not_own_image); others then see it at `avatar_url`. A new nickname passes
        WeChat's content check (422 nickname_rejected; 503 while it does not answer)."""
        return service.profile(service.update_profile(user=current_user(), **body))


@blp.route("/avatars/<string(maxlength=32):token>")
class AvatarView(MethodView):
    @blp.doc(responses={"200": {
        "description": "The picture; cacheable for good (a new picture gets a new URL)",
        "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in service.AVATAR_TYPES}}})
    @blp.errors(404, 503)
    def get(self, token):
        """A user's picture, public (an `<image src>` sends no token): what team and bid lists
        link as `avatar_url`. 404 once the user replaced or removed it."""
        stored, data = service.avatar(token)
        return Response(data, mimetype=stored.content_type, headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        })
