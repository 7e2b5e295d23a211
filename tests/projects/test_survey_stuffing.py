"""Survey stuffing (issue 16 item 5): satisfaction answers come only from the project's
beneficiaries — approved union members of the project's org or an org under it, not the people
who work on it — and count once per person (a new answer replaces the old)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.projects.models import SurveyAnswer
from tests.factories.projects import approve_members, user_id


def answer(run, who, satisfied, lang=None):
    headers = run.as_user(who)
    if lang:
        headers = {**headers, "Accept-Language": lang}
    return run.client.post(f"{run.url}/survey", headers=headers, json={"satisfied": satisfied})


@pytest.fixture
def running(app, driver, tree):
    """A county project in progress with ten beneficiaries who answered: 90 % satisfied."""
    run = driver()
    run.drive("in_progress")
    residents = [f"resident{n}" for n in range(10)]
    approve_members(app, *residents[:5], org_id=tree["village1"])
    approve_members(app, *residents[5:], org_id=tree["village3"])
    for n, who in enumerate(residents):
        assert answer(run, who, n != 0).status_code == 200
    assert run.refresh()["satisfaction"] == {"answers": 10, "satisfied": 9, "rate": 0.9}
    return run


def test_five_unrelated_new_accounts_do_not_move_satisfaction(running):
    for n in range(5):
        response = answer(running, f"stranger{n}", False)
        assert response.status_code == 403
        error = response.get_json()["error"]
        assert error["code"] == "not_beneficiary"
        assert "会员" in error["message"]
    assert running.refresh()["satisfaction"] == {"answers": 10, "satisfied": 9, "rate": 0.9}


def test_the_refusal_says_what_to_do_in_both_languages(running):
    chinese = answer(running, "stranger", False).get_json()["error"]["message"]
    english = answer(running, "stranger", False, lang="en").get_json()["error"]["message"]
    assert "申请" in chinese and "apply for membership" in english


def test_one_person_answering_ten_times_counts_once(running):
    for _ in range(10):
        assert answer(running, "resident3", False).status_code == 200
    assert running.refresh()["satisfaction"] == {"answers": 10, "satisfied": 8, "rate": 0.8}
    assert answer(running, "resident3", True).status_code == 200  # changed their mind
    assert running.refresh()["satisfaction"] == {"answers": 10, "satisfied": 9, "rate": 0.9}


def test_members_outside_the_projects_subtree_are_not_beneficiaries(app, driver, tree):
    run = driver(org="town1")
    run.drive("in_progress")
    approve_members(app, "inside", org_id=tree["village2"])
    approve_members(app, "sibling", org_id=tree["village3"])   # under town2
    approve_members(app, "above", org_id=tree["county"])       # the county is not served
    assert answer(run, "inside", True).status_code == 200
    for who in ("sibling", "above"):
        response = answer(run, who, False)
        assert response.status_code == 403, who
        assert response.get_json()["error"]["details"] == {"org_id": tree["town1"]}
    assert run.refresh()["satisfaction"] == {"answers": 1, "satisfied": 1, "rate": 1.0}


def test_a_pending_membership_is_not_enough(app, driver, tree, client, as_user):
    run = driver()
    run.drive("in_progress")
    approve_members(app, "applicant", org_id=tree["village1"])
    with app.app_context():
        from sqlalchemy import update

        from app.members.models import Membership
        db.session.execute(update(Membership).where(
            Membership.user_id == user_id(app, "applicant")).values(status="pending"))
        db.session.commit()
    assert answer(run, "applicant", True).get_json()["error"]["code"] == "not_beneficiary"


def test_the_leader_and_the_team_do_not_answer(app, driver, tree):
    run = driver()
    run.drive("in_progress")
    approve_members(app, "helper", org_id=tree["village1"])
    assert run.client.post(f"{run.url}/volunteers", headers=run.as_user("helper"),
                           json={}).status_code == 201
    for who in ("bidder", "helper"):  # both members of village1, under the county
        response = answer(run, who, True)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "own_project"
    assert run.refresh()["satisfaction"]["answers"] == 0


def test_officers_are_not_beneficiaries_by_their_role(running):
    response = answer(running, "county_approver", False)
    assert response.get_json()["error"]["code"] == "not_beneficiary"


def test_the_database_holds_one_answer_per_person(app, running):
    resident = user_id(app, "resident1")
    with app.app_context():
        db.session.add(SurveyAnswer(project_id=running.id, user_id=resident, satisfied=False))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
