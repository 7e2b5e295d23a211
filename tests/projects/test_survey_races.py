"""One beneficiary's racing survey answers against PostgreSQL: the counters match the row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.projects.models import Project, SurveyAnswer
from tests.concurrency import race, statuses
from tests.factories.projects import approve_members

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("first", [False, True])
def test_racing_answers_of_one_person_count_once(app, driver, tree, as_user, first):
    run = driver()
    run.drive("in_progress")
    approve_members(app, "resident", org_id=tree["village1"])
    if first:  # racing changes of an existing answer, else racing first answers
        assert run.client.post(f"{run.url}/survey", headers=as_user("resident"),
                               json={"satisfied": True}).status_code == 200
    responses = race(app, [(
        "post", f"{run.url}/survey", as_user("resident"), {"satisfied": n % 2 == 0})
        for n in range(10)])
    counts = statuses(responses)
    assert counts[200] >= 1 and counts[200] + counts[409] == 10, counts
    with app.app_context():
        project = db.session.get(Project, run.id)
        answers = db.session.scalars(select(SurveyAnswer.satisfied).where(
            SurveyAnswer.project_id == run.id)).all()
    assert len(answers) == 1
    assert (project.survey_answers, project.survey_satisfied) == (1, int(answers[0]))
