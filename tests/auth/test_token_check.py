"""The token check is one statement that also loads the user's role grants: it stays exact
(a login revoked, or a grant taken away, counts from the very next request) and officer
screens send no statement of their own for the grants."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select

from tests.workbench.test_workbench import apply


@contextmanager
def statements(app):
    from app.extensions import db

    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def counts(client, headers):
    return client.get("/api/v1/workbench/counts", headers=headers)


def test_a_login_revoked_elsewhere_is_refused_on_the_very_next_request(app, client, tree,
                                                                       login):
    from app.auth import service
    from app.auth.models import LoginSession
    from app.extensions import db

    headers = login("county_approver")
    assert counts(client, headers).status_code == 200
    with app.app_context():  # another device, worker or process revokes the login
        session_id = db.session.scalar(select(LoginSession.id).where(
            LoginSession.user_id == tree["county_approver"], LoginSession.revoked_at.is_(None)))
        service.logout(session_id=session_id)
        db.session.commit()
    refused = counts(client, headers)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "token_revoked"
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_grant_taken_away_counts_from_the_very_next_request(app, client, tree, as_user):
    from app.extensions import db
    from app.orgs import service
    from app.orgs.models import OfficerRole

    apply(client, as_user, "m1", tree["village1"], 1)
    officer = as_user("town1_approver")
    assert counts(client, officer).get_json()["total"] == 1
    with app.app_context():
        grant = db.session.scalar(select(OfficerRole.id).where(
            OfficerRole.user_id == tree["town1_approver"]))
        service.revoke_role(actor_id=tree["county_admin"], org_id=tree["town1"], grant_id=grant)
        db.session.commit()
    assert counts(client, officer).get_json() == {"total": 0, "by_kind": {}}


def test_officer_screens_send_no_statement_for_the_grants(app, client, tree, as_user):
    apply(client, as_user, "m1", tree["village1"], 1)
    for name in ("county_approver", "plain"):
        headers = as_user(name)
        counts(client, headers)
        with statements(app) as sent:
            answer = counts(client, headers)
        assert answer.status_code == 200
        assert answer.get_json()["total"] == (1 if name != "plain" else 0)
        # the token check (login, user and grants), then the counts (none without grants)
        assert len(sent) == (2 if name != "plain" else 1), sent
        assert "officer_roles" in sent[0] and "login_sessions" in sent[0]
