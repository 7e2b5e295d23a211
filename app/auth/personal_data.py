"""The account itself: the profile in the export; erasure de-identifies the user and ends
every login.

Erasure: phone and its hash removed, nickname "已注销用户", the picture unlinked (its URL
answers 404), WeChat openid/unionid replaced
(logging in again with the same WeChat account starts a new, empty account), every login
session revoked.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app.auth.models import User
from app.auth.service import revoke_all_sessions
from app.core.personal_data import ERASED_NAME, Erased, PersonalData, row
from app.extensions import db
from app.orgs.scope import roles_of


def export(user_id: int) -> dict[str, Any]:
    user = db.session.get(User, user_id)
    return {"profile": {**row(user, ("id", "nickname", "avatar_file_id", "phone", "created_at",
                                    "last_login_at")),
                        "roles": roles_of(user_id)}}


def erase(user_id: int, now: datetime) -> Erased:
    user = db.session.get(User, user_id)
    user.phone = user.phone_hash = user.unionid = None
    user.nickname = ERASED_NAME
    user.avatar_file_id = user.avatar_token = None  # the picture's public URL stops at once
    user.openid = f"erased-{user.id}-{uuid.uuid4().hex[:12]}"
    revoke_all_sessions(user_id=user_id, reason="account_deleted")
    return Erased()


PERSONAL_DATA = PersonalData(domain="auth", export=export, erase=erase)
