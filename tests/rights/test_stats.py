"""Rights statistics: by category, on-time rates, satisfaction, amounts recovered."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.factories.rights import act, submitted_case


def test_stats_by_category(client, tree, as_user, member, friday):
    headers, officer = as_user("applicant"), as_user("village1_approver")
    won = act(client, officer, submitted_case(client, headers), "accept").get_json()
    won = act(client, officer, won, "resolve", outcome="追回", amount_recovered_fen=900000)
    won = act(client, officer, won.get_json(), "follow-up", called_on="2026-12-04",
              caller_name="李", member_said="满意").get_json()
    assert act(client, headers, won, "close", rating=4).status_code == 200
    late = submitted_case(client, headers, category="work_injury", amount_claimed_fen=None)
    friday.shift(timedelta(days=5))  # Wednesday 9 December: past its Monday deadline
    assert act(client, as_user("village1_approver"), late, "accept").status_code == 200
    submitted_case(client, as_user("neighbour"), category="dismissal",
                   amount_claimed_fen=None)  # village2: in town1's figures too
    stats = client.get(f"/api/v1/orgs/{tree['town1']}/rights-stats?year=2026",
                       headers=as_user("town1_reviewer")).get_json()
    rows = {row["category"]: row for row in stats["by_category"]}
    wage = rows["wage_arrears"]
    assert (wage["cases"], wage["accepted_on_time"], wage["resolved_on_time"]) == (1, 1, 1)
    assert wage["on_time_acceptance_rate"] == 1.0 and wage["satisfaction"] == 4.0
    assert wage["amount_recovered_fen"] == 900000 and wage["label"] == "欠薪"
    injury = rows["work_injury"]
    assert (injury["accepted"], injury["accepted_on_time"]) == (1, 0)
    assert injury["on_time_acceptance_rate"] == 0.0 and injury["satisfaction"] is None
    assert rows["dismissal"]["cases"] == 1 and rows["other"]["cases"] == 0
    total = stats["total"]
    assert (total["cases"], total["accepted"], total["accepted_on_time"]) == (3, 2, 1)
    assert total["on_time_acceptance_rate"] == 0.5
    village = client.get(f"/api/v1/orgs/{tree['village1']}/rights-stats?year=2026",
                         headers=as_user("village1_approver")).get_json()
    assert village["total"]["cases"] == 2
    assert client.get(f"/api/v1/orgs/{tree['town1']}/rights-stats?year=2025",
                      headers=as_user("town1_reviewer")).get_json()["total"]["cases"] == 0
    sheet = client.get(f"/api/v1/orgs/{tree['town1']}/rights-stats.xlsx?year=2026",
                       headers=as_user("town1_reviewer"))
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.data))
    rows = list(book["维权案件"].values)
    assert rows[0][:3] == ("类别", "编码", "案件数")
    assert rows[1][:3] == ("欠薪", "wage_arrears", 1) and rows[1][-1] == 9000
    assert rows[-1][2] == 3


def test_bad_year_is_422(client, tree, as_user):
    for query in ("", "?year=1999", "?year=abc", "?year=2101"):
        response = client.get(f"/api/v1/orgs/{tree['town1']}/rights-stats{query}",
                              headers=as_user("town1_reviewer"))
        assert response.status_code == 422, query
