"""Minimal collection: nearby search stores no position and logs it rounded; aid categories
take exactly the documents they list."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from app.core.requestlog import mask_numbers
from app.extensions import db
from tests.factories.privacy import aid_body, post_aid
from tests.factories.stations import make_station
from tests.helpers import give_consents

RAW_LAT, RAW_LNG = "36.6171234", "101.7782345"


def all_rows_as_text() -> str:
    tables = [table.name for table in db.metadata.sorted_tables]
    return "\n".join(repr(db.session.execute(text(f"SELECT * FROM {table}")).all())
                     for table in tables)


def test_nearby_search_stores_no_raw_position_and_logs_it_rounded(app, client, tree, as_user,
                                                                  caplog):
    with app.app_context():
        make_station(tree["village1"], 36.6175, 101.7790, name="驿站")
        db.session.commit()
        before = all_rows_as_text()
    caplog.set_level(logging.INFO, logger="gonghui.request")
    for headers in ({}, as_user("rider")):
        response = client.get(f"/api/v1/stations/nearby?lat={RAW_LAT}&lng={RAW_LNG}",
                              headers=headers)
        assert response.status_code == 200
        assert len(response.get_json()["items"]) == 1
    with app.app_context():
        after = all_rows_as_text()
    for raw in (RAW_LAT, RAW_LNG, RAW_LAT[:7], RAW_LNG[:8]):
        assert raw not in after
    assert after.count("36.6175") == before.count("36.6175")  # only the station's own
    lines = [r for r in caplog.records if getattr(r, "fields", {}).get("path")
             == "/api/v1/stations/nearby"]
    assert len(lines) == 2
    for record in lines:
        assert record.fields["query"]["lat"] == "36.62"
        assert record.fields["query"]["lng"] == "101.78"
        assert RAW_LAT not in repr(record.__dict__) and RAW_LNG not in repr(record.__dict__)


def test_submit_refuses_documents_the_category_does_not_list(world, program):
    give_consents(world.client, world.as_user("applicant"), "aid")
    documents = world.documents("applicant", kinds=("id_card", "enrollment_certificate",
                                                    "household_register"))
    draft = post_aid(world, "applicant", aid_body(program["id"], world.tree["village1"],
                                                  documents)).get_json()
    response = world.submit(draft)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "documents_not_needed"
    assert error["details"]["unlisted"] == ["household_register"]
    assert error["message"] == "该类别不需要以下材料，请移除：户口簿。"
    fixed = world.client.patch(f"/api/v1/aid/applications/{draft['id']}",
                               headers=world.as_user("applicant"),
                               json={"version": draft["version"], "documents": documents[:2]})
    assert fixed.status_code == 200
    assert world.submit(fixed.get_json()).status_code == 200


def test_request_log_masks_personal_numbers_a_client_puts_in_the_url(client, caplog):
    caplog.set_level(logging.INFO, logger="gonghui.request")
    client.get("/api/v1/stations/by-code/13912345678?q=320922199001010079")
    (record,) = [r for r in caplog.records if r.name == "gonghui.request"]
    assert record.fields["path"] == "/api/v1/stations/by-code/*******5678"
    assert record.fields["query"] == {"q": "**************0079"}


@pytest.mark.parametrize(("text", "masked"), [
    ("138-1234-5678", "***-****-5678"),
    ("6222 0212 3456 7890 123", "**** **** **** ***0 123"),
    ("110101 19900307 1234", "****** ******** 1234"),
    ("11010119900307123X", "**************123X"),
    ("0471-6281234", "****-***1234"),          # a landline with its area code: 11 digits
    ("1234567890", "******7890"),              # ten digits in a run
    ("123456789", "123456789"),                # nine: an id, an amount in fen
    ("2026-12-01T12:44:32", "2026-12-01T12:44:32"),
    ("tel13912345678", "tel*******5678"),      # glued to letters
    ("ID 32092219900101007Xy", "ID *************1007Xy"),  # masked as 17 digits anyway
    ("3209221990010100 7X", "**************00 7X"),
])
def test_one_masking_rule_for_numbers_in_any_log_text(text, masked):
    assert mask_numbers(text) == masked


def test_a_query_value_cut_for_the_log_is_masked_before_the_cut(client, caplog):
    caplog.set_level(logging.INFO, logger="gonghui.request")
    # the ID number straddles the 64-character cut: cut first, its birth date would show
    client.get("/api/v1/stations/by-code/x?q=" + "a" * 56 + "320922199001010079")
    (record,) = [r for r in caplog.records if r.name == "gonghui.request"]
    assert record.fields["query"]["q"] == "a" * 56 + "********"


def test_tracebacks_never_show_statement_parameters(app):
    from app.extensions import db

    with app.app_context():
        assert db.engine.hide_parameters is True
