"""The state machine check and the one guarded update, including a real race on PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Integer, String, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.states import StateMachine, guarded_update
from app.errors import Conflict, InvalidTransition
from app.extensions import db

MACHINE = StateMachine("ticket", {
    "open": (("draft",), "open"),
    "edit": (("draft", "open"), None),
    "close": (("open",), "closed"),
})


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    """A table of this test only (its own metadata: the app's migrations never see it)."""

    __tablename__ = "kit_tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(32), default="")


@pytest.fixture
def tickets(app_ctx):
    Base.metadata.create_all(db.engine)
    yield
    db.session.remove()
    Base.metadata.drop_all(db.engine)


def make_ticket(status: str = "open") -> Ticket:
    ticket = Ticket(status=status, version=1)
    db.session.add(ticket)
    db.session.commit()
    return ticket


@pytest.mark.parametrize(("status", "action", "target"), [
    ("draft", "open", "open"), ("open", "close", "closed"),
    ("draft", "edit", "draft"), ("open", "edit", "open")])
def test_check_gives_the_target_of_an_allowed_action(status, action, target):
    assert MACHINE.check(status, action) == target


@pytest.mark.parametrize(("status", "action", "allowed"), [
    ("draft", "close", ["open", "edit"]), ("closed", "edit", []),
    ("open", "open", ["edit", "close"])])
def test_check_refuses_and_names_the_allowed_actions(status, action, allowed):
    with pytest.raises(InvalidTransition) as refused:
        MACHINE.check(status, action)
    assert refused.value.status == 409 and refused.value.code == "invalid_transition"
    assert refused.value.details == {"status": status, "action": action, "allowed": allowed}


@pytest.mark.parametrize(("status", "action", "message"), [
    ("draft", "close", "This ticket is draft; it cannot close. Allowed now: open, edit."),
    ("closed", "edit", "This ticket is closed; it cannot edit. Nothing is allowed now."),
])
def test_refusal_reads_naturally_whatever_the_status(status, action, message):
    """No "A awarded project": the sentence names the status without an article."""
    with pytest.raises(InvalidTransition) as refused:
        MACHINE.check(status, action)
    assert refused.value.message == message


def test_guarded_update_moves_the_row_and_bumps_the_version(tickets):
    ticket = make_ticket()
    guarded_update(ticket, values={"status": "closed"}, version=1, status="open")
    db.session.commit()
    assert (ticket.status, ticket.version) == ("closed", 2)


def test_the_moved_row_holds_what_was_written_without_reading_it_back(tickets):
    ticket = make_ticket()
    assert ticket.note == ""  # loaded
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        guarded_update(ticket, values={"status": "closed", "note": "done"}, version=1)
        assert (ticket.status, ticket.note, ticket.version) == ("closed", "done", 2)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("UPDATE")
    db.session.commit()
    db.session.expire_all()
    assert (ticket.status, ticket.note, ticket.version) == ("closed", "done", 2)


def test_a_value_the_database_computes_is_read_back(tickets):
    ticket = make_ticket()
    guarded_update(ticket, values={"note": Ticket.status + "!"}, version=1)
    assert (ticket.note, ticket.version) == ("open!", 2)


@pytest.mark.parametrize(("version", "status"), [(7, "open"), (1, "draft"), (1, ("draft", "x"))])
def test_a_stale_version_or_status_is_a_409_with_the_current_state(tickets, version, status):
    ticket = make_ticket()
    with pytest.raises(Conflict) as lost:
        guarded_update(ticket, values={"status": "closed"}, version=version, status=status,
                       machine=MACHINE)
    assert lost.value.code == "stale_version"
    assert lost.value.details == {"status": "open", "version": 1, "allowed": ["edit", "close"]}


def test_a_loser_keeps_the_callers_session_untouched(tickets):
    """No rollback inside the helper: what the caller did before is still pending."""
    ticket, other = make_ticket(), make_ticket()
    other.note = "pending change"
    db.session.flush()
    with pytest.raises(Conflict):
        guarded_update(ticket, values={"status": "closed"}, version=5)
    assert db.session.scalar(select(Ticket.note).where(Ticket.id == other.id)) == "pending change"
    db.session.rollback()


@pytest.mark.postgres
def test_racing_writers_with_the_same_version_have_exactly_one_winner(app, tickets, backend):
    ticket_id = make_ticket().id
    writers = 8
    barrier = threading.Barrier(writers)

    def write(n: int) -> str:
        with app.app_context():
            row = db.session.get(Ticket, ticket_id)
            barrier.wait()
            try:
                guarded_update(row, values={"note": f"writer {n}"}, version=1, status="open")
                db.session.commit()
                return "won"
            except Conflict:
                db.session.rollback()
                return "lost"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=writers) as pool:
        outcomes = list(pool.map(write, range(writers)))
    assert sorted(outcomes) == ["lost"] * (writers - 1) + ["won"]
    db.session.expire_all()
    assert db.session.get(Ticket, ticket_id).version == 2
