"""Tables of events (宣讲, 大讲堂, 技能培训): events and speakers, sign-ups, views, training
requests (点单) and works (宣讲作品), with their state machines and vocabularies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import BigIntPK, CreatedAtMixin
from app.core.i18n import N_
from app.core.states import StateMachine
from app.core.time import UTCDateTime
from app.extensions import db
from app.orgs.models import Org

KINDS = {"lecture": N_("Lecture (宣讲)"), "class": N_("Class (大讲堂)"),
         "training": N_("Skills training")}
FORMS = {"offline": N_("At a venue"), "online": N_("Online")}
PLACE_TYPES = {"agency": N_("Government organ"), "enterprise": N_("Enterprise"),
               "school": N_("School"), "community": N_("Community"), "village": N_("Countryside")}
AUDIENCES = {"everyone": N_("Everyone"), "members": N_("Union members"),
             "orgs": N_("Members of given orgs")}

# draft → published → finished; cancelled from draft or published
STATUSES = {"draft": N_("Draft"), "published": N_("Published"), "cancelled": N_("Cancelled"),
            "finished": N_("Finished")}
ACTIONS = {"edit": N_("Edit"), "publish": N_("Publish"), "cancel": N_("Cancel"),
           "finish": N_("Finish"), "sign_up": N_("Sign up"), "check_in": N_("Check in"),
           "rate": N_("Rate")}
LIFECYCLE = StateMachine("event", noun=N_("event"), statuses=STATUSES, actions=ACTIONS, moves={
    "publish": (("draft",), "published"),
    "cancel": (("draft", "published"), "cancelled"),
    "finish": (("published",), "finished"),
    "sign_up": (("published",), None),
    "check_in": (("published", "finished"), None),
    "rate": (("finished",), None),
})

SIGNUP_STATUSES = {"confirmed": N_("Confirmed"), "waitlisted": N_("On the waitlist"),
                   "cancelled": N_("Cancelled")}
ATTENDANCE_SOURCES = {"scan": N_("Scanned the event's code"),
                      "officer": N_("Marked by an officer")}
# a person holds at most one live sign-up per event (a cancelled one frees it)
LIVE_STATUSES = ("confirmed", "waitlisted")
LIVE_SIGNUP = "status IN ('confirmed', 'waitlisted')"

REQUEST_STATUSES = {"submitted": N_("Waiting for the county union"),
                    "scheduled": N_("Scheduled"), "declined": N_("Declined"),
                    "delivered": N_("Delivered")}
REQUEST_ACTIONS = {"schedule": N_("Accept and schedule"), "decline": N_("Decline"),
                   "deliver": N_("Deliver")}
REQUESTS = StateMachine("training_request", noun=N_("training request"),
                        statuses=REQUEST_STATUSES, actions=REQUEST_ACTIONS, moves={
    "schedule": (("submitted",), "scheduled"),
    "decline": (("submitted",), "declined"),
    "deliver": (("scheduled",), "delivered"),
})

WORK_CATEGORIES = {"theory": N_("Theory"), "story": N_("Story"), "quyi": N_("Folk art (曲艺)"),
                   "video": N_("Short video")}
WORK_STATUSES = {"submitted": N_("Being reviewed"), "published": N_("Published"),
                 "returned": N_("Returned for changes")}
WORK_ACTIONS = {"publish": N_("Publish"), "return": N_("Return for changes"),
                "resubmit": N_("Submit again")}
WORKS = StateMachine("event_work", noun=N_("lecture work"), statuses=WORK_STATUSES,
                     actions=WORK_ACTIONS, moves={
    "publish": (("submitted",), "published"),
    "return": (("submitted",), "returned"),
    "resubmit": (("returned",), "submitted"),
})


def _in(column: str, vocabulary: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in vocabulary)})"


class Event(CreatedAtMixin, db.Model):
    """One session. `seats_taken` moves only by the capacity-guarded UPDATEs of signups.py;
    the CHECK is the last line of defence: capacity is never exceeded."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
        CheckConstraint("capacity IS NULL OR seats_taken <= capacity", name="within_capacity"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("starts_at < ends_at", name="times_in_order"),
        CheckConstraint("signup_opens_at < signup_closes_at", name="signup_window"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("form", FORMS), name="form"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("unregistered_attendance >= 0", name="headcount_not_negative"),
        Index("ix_events_listing", "status", "starts_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # public half of the scene
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    series: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
    form: Mapped[str] = mapped_column(String(16))
    place_type: Mapped[str | None] = mapped_column(String(16))
    venue_name: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)  # GCJ-02
    lng: Mapped[float | None] = mapped_column(Float)
    live_url: Mapped[str | None] = mapped_column(String(500))
    replay_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signup_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signup_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int | None] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    # the waitlist's ticket counter: each waitlisted sign-up takes the next number
    waitlist_issued: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(String(16))
    audience_org_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # counted online views (live or replay), once per person per day (event_views)
    online_views: Mapped[int] = mapped_column(Integer, default=0)
    # people at the session without the app, counted by the officer when finishing it
    unregistered_attendance: Mapped[int] = mapped_column(Integer, default=0)
    training_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_requests.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)
    speakers: Mapped[list[EventSpeaker]] = relationship(
        order_by="EventSpeaker.position", cascade="all, delete-orphan", lazy="selectin")

    # set by the services for the viewer of one answer
    my_signup = None  # Signup | None
    viewer_is_officer = False
    rating_average = None  # float | None
    rating_count = 0

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else self.capacity - self.seats_taken


class EventSpeaker(db.Model):
    """A speaker of one session (劳模, 工匠, an expert); top speakers count their sessions."""

    __tablename__ = "event_speakers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(50), index=True)
    title: Mapped[str | None] = mapped_column(String(100))  # e.g. 全国五一劳动奖章获得者

    sessions = None  # the speaker's finished sessions, set by events.with_speaker_sessions


class Signup(CreatedAtMixin, db.Model):
    """One person's sign-up. Confirmed holds a seat; waitlisted holds a ticket number (the
    queue's order); attended_at is set once, by a scan in the window or by an officer."""

    __tablename__ = "event_signups"
    __table_args__ = (
        CheckConstraint(_in("status", SIGNUP_STATUSES), name="status"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        # one live sign-up per person per event
        Index("uq_event_signups_live", "event_id", "user_id", unique=True,
              sqlite_where=text(LIVE_SIGNUP), postgresql_where=text(LIVE_SIGNUP)),
        UniqueConstraint("event_id", "waitlist_number"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    waitlist_number: Mapped[int | None] = mapped_column(Integer)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance_source: Mapped[str | None] = mapped_column(String(16))
    attendance_reason: Mapped[str | None] = mapped_column(String(200))
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)

    event: Mapped[Event] = relationship(foreign_keys=[event_id])
    user = relationship("User", foreign_keys=[user_id], lazy="joined", innerjoin=True)

    position = None  # the waitlist position, set by the services


class EventView(db.Model):
    """An online view of a session's live or replay: once per person per day."""

    __tablename__ = "event_views"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)


class TrainingRequest(CreatedAtMixin, db.Model):
    """A 点单式 request: an enterprise union (officer or member) asks for a topic; the county
    union above it schedules an event or declines."""

    __tablename__ = "training_requests"
    __table_args__ = (
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status"),
        CheckConstraint("expected_participants BETWEEN 1 AND 100000", name="participants"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)  # the requester's
    decider_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)  # county
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    topic: Mapped[str] = mapped_column(String(100))
    series: Mapped[str | None] = mapped_column(String(50))
    expected_participants: Mapped[int] = mapped_column(Integer)
    preferred_dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    org: Mapped[Org] = relationship(foreign_keys=[org_id], lazy="joined", innerjoin=True)
    decider_org: Mapped[Org] = relationship(foreign_keys=[decider_org_id], lazy="joined",
                                            innerjoin=True)
    event: Mapped[Event | None] = relationship(
        primaryjoin="Event.training_request_id == TrainingRequest.id", viewonly=True,
        uselist=False)


class Work(CreatedAtMixin, db.Model):
    """A member's 宣讲作品 (theory, story, 曲艺, short video), reviewed by the officers of the
    member's union; published ones are listed with views (once per person per day)."""

    __tablename__ = "event_works"
    __table_args__ = (
        CheckConstraint(_in("category", WORK_CATEGORIES), name="category"),
        CheckConstraint(_in("status", WORK_STATUSES), name="status"),
        CheckConstraint("views >= 0", name="views_not_negative"),
        Index("ix_event_works_listing", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    author_name: Mapped[str] = mapped_column(String(50))  # the name shown with the work
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str | None] = mapped_column(String(1000))
    link: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    return_reason: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    views: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    org: Mapped[Org] = relationship(lazy="joined", innerjoin=True)


class WorkView(db.Model):
    """A view of a published work: once per person per day."""

    __tablename__ = "event_work_views"
    __table_args__ = (UniqueConstraint("work_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("event_works.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
