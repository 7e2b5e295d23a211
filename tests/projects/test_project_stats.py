"""Project statistics: the endpoint agrees with a count done by hand on the demo data."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.demo import load_demo_data
from app.extensions import db
from app.orgs.models import Org
from app.projects.models import Project, TeamMember, VolunteerHours

RUNNING = {"awarded", "in_progress", "under_review"}


def hand_count(rows: list[tuple[Project, str]], team: list[tuple[TeamMember, str]],
               hours: list[tuple[VolunteerHours, str]], level: str | None) -> dict:
    mine = [project for project, org_level in rows if level in (None, org_level)]
    status = Counter(project.status for project in mine)
    taken = sum(project.awarded_at is not None for project in mine)
    return {
        "published": len(mine), "taken": taken,
        "in_progress": sum(status[s] for s in RUNNING),
        "finished": status["completed"], "failed": status["failed"],
        "cancelled": status["cancelled"],
        "finish_rate": round(status["completed"] / taken, 4) if taken else None,
        "granted_fen": sum(project.granted_fen for project in mine),
        "released_fen": sum(project.released_fen for project in mine),
        "volunteers": sum(1 for member, org_level in team
                          if member.role == "volunteer" and level in (None, org_level)),
        "volunteer_hours": round(sum(entry.minutes for entry, org_level in hours
                                     if level in (None, org_level)) / 60, 1),
    }


def test_binhai_stats_equal_a_hand_count(app, client):
    with app.app_context():
        load_demo_data()
        binhai = db.session.scalar(select(Org).where(Org.name == "滨海县总工会"))
        rows = db.session.execute(select(Project, Org.level).join(Org)).all()
        team = db.session.execute(select(TeamMember, Org.level).join(
            Project, Project.id == TeamMember.project_id).join(Org)).all()
        hours = db.session.execute(select(VolunteerHours, Org.level).join(
            Project, Project.id == VolunteerHours.project_id).join(Org)).all()
        expected = {"total": hand_count(rows, team, hours, None)} | {
            level: hand_count(rows, team, hours, level) for level in ("county", "town", "village")}
        instructors = sum(member.role == "instructor" for member, _ in team)
        binhai_id = binhai.id
    login = client.post("/api/v1/auth/wx-login", json={"code": "mock:officer-binhai"})
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    stats = client.get(f"/api/v1/orgs/{binhai_id}/project-stats", headers=headers).get_json()
    assert stats["total"] == expected["total"]
    for row in stats["by_level"]:
        level = row.pop("level")
        assert row.pop("level_label") == {"county": "县级", "town": "乡镇（街道）",
                                          "village": "村（社区）"}[level]
        assert row == expected[level], level
    assert [row["published"] for row in (expected["county"], expected["town"],
                                         expected["village"])] == [8, 34, 136]
    assert stats["total"]["volunteers"] == 124 and instructors == 5


def test_seed_stories_show_their_kpis(app, client):
    with app.app_context():
        load_demo_data()
    login = client.post("/api/v1/auth/wx-login", json={"code": "mock:demo-member"}).get_json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    found = client.get("/api/v1/projects?q=家政服务提质扩容促就业", headers=headers).get_json()
    housekeeping = found["items"][0]
    assert {row["name"]: row["actual"] for row in housekeeping["progress"]} == {
        "家政人员转移就业": 1870, "新增家政从业人员": 3600, "技能提升培训": 786}
    culture = client.get("/api/v1/projects?q=丰富职工文化生活&level=village",
                         headers=headers).get_json()["items"]
    changfa = next(p for p in culture if p["org"]["name"] == "长法村")
    assert changfa["leader_id"] == login["user"]["id"]
    assert changfa["satisfaction"]["rate"] == 0.9
    assert {row["name"]: row["actual"] for row in changfa["progress"]} == {
        "文艺骨干": 9, "编排节目": 10, "演出场次": 17}
