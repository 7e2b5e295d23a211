"""The member card: one per approved membership, following it through transfers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedString
from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime, to_shanghai
from app.extensions import db
from app.members.models import Membership

STATUSES = ("active", "suspended")
# a card's own word for "suspended" (已停用): stations' "Suspended" reads 暂停服务, and the
# catalog has no contexts, so the card takes a msgid of its own
STATUS_LABELS = {"active": N_("Valid"), "suspended": N_("Deactivated")}
LIFECYCLE = StateMachine("member_card", {
    "suspend": (("active",), "suspended"),
    "reinstate": (("suspended",), "active"),
}, noun=N_("member card"), statuses=STATUS_LABELS,
    actions={"suspend": N_("Suspend"), "reinstate": N_("Reinstate")})
# what a verifier learns of a token that does not verify (never more than this)
VERDICTS = {
    "valid": N_("Valid member card"),
    "malformed": N_("Not a member card code"),
    "unknown_key": N_("Signed with a key that is not ours"),
    "forged": N_("The signature does not match"),
    "expired": N_("The code has expired; ask for a fresh one"),
    "revoked": N_("The code is no longer valid (card reissued, transferred or suspended)"),
    "suspended": N_("The card is suspended"),
}


class MemberCard(CreatedAtMixin, db.Model):
    """`generation` is signed into every token: bumping it (suspension, transfer) makes every
    token issued before stop verifying online."""

    __tablename__ = "member_cards"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("generation >= 1", name="generation_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    generation: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    suspended_reason: Mapped[str | None] = mapped_column(Text)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    membership: Mapped[Membership] = relationship(lazy="joined", innerjoin=True)

    # set by the service on the holder's own answer
    token = None

    @property
    def org(self):
        return self.membership.org

    @property
    def real_name(self) -> str:
        return self.membership.real_name

    @property
    def joined_at(self) -> datetime | None:
        return self.membership.decided_at

    @property
    def number_printed(self) -> str:
        """As printed on the card: groups of four."""
        return " ".join(self.number[i:i + 4] for i in range(0, len(self.number), 4))


class CardSigningKey(CreatedAtMixin, db.Model):
    """An Ed25519 key that signs card tokens (`flask gonghui cards rotate-key`). The current
    one (`is_current`) signs; a retired one still verifies the tokens it signed until
    `not_after` (the rotation time + CARD_TOKEN_SECONDS) and stays published for
    CARD_KEY_GRACE_SECONDS more, then it is dropped. Without any row, the keys of
    CARD_SIGNING_KEYS are the ring (app/cards/keys.py)."""

    __tablename__ = "card_signing_keys"
    __table_args__ = (
        # at most one current key, whatever two operators run at the same time
        Index("uq_card_signing_keys_current", "is_current", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        CheckConstraint("is_current OR not_after IS NOT NULL", name="retired_has_not_after"),
    )

    kid: Mapped[str] = mapped_column(String(32), primary_key=True)
    seed: Mapped[str] = mapped_column(EncryptedString())  # base64url 32-byte seed, sealed
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime())


def card_number(membership: Membership) -> str:
    """GH + the year joined (Asia/Shanghai) + the membership id in 10 digits: unique because
    the membership is."""
    year = to_shanghai(membership.decided_at).year if membership.decided_at else 2026
    return f"GH{year}{membership.id:010d}"
