"""The nearby read model: one station shape (card = NearbyItem), rebuilt by a command."""

from __future__ import annotations

import json

from sqlalchemy import select, text, update

from app.extensions import db
from app.stations.cards import card
from app.stations.models import Station, StationSearchRow
from app.stations.schemas import PER_REQUEST_FIELDS, NearbyItem, OpenLocation
from tests.factories.stations import make_station

XINING = (36.6171, 101.7782)


def field_names(schema) -> set[str]:
    return {field.data_key or name for name, field in schema().fields.items()}


def test_card_keys_equal_the_nearby_item_fields(app_ctx, tree):
    station = make_station(tree["village1"], *XINING, services=["wifi"])
    stored = json.loads(card(station))
    assert set(stored) | set(PER_REQUEST_FIELDS) == field_names(NearbyItem)
    assert not set(stored) & set(PER_REQUEST_FIELDS)
    assert set(stored["open_location"]) == field_names(OpenLocation)
    assert "links" not in stored  # web map links are in the station's detail only


def test_a_nearby_answer_item_has_exactly_the_documented_fields(client, tree, app):
    with app.app_context():
        make_station(tree["village1"], *XINING)
        db.session.commit()
    body = client.get(f"/api/v1/stations/nearby?lat={XINING[0]}&lng={XINING[1]}").get_json()
    assert len(body["items"]) == 1
    assert set(body["items"][0]) == field_names(NearbyItem)


def rebuild(app, *args):
    result = app.test_cli_runner().invoke(args=["gonghui", "rebuild-search", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rebuild_search_fixes_stale_rows_and_is_idempotent(app, client, tree):
    with app.app_context():
        renamed, lost, suspended, *others = [
            make_station(tree["village1"], XINING[0] + n * 0.001, XINING[1], name=f"站{n}")
            for n in range(6)]
        ids = renamed.id, lost.id, suspended.id
        db.session.commit()
        # what a change to card() or a write that bypassed the service leaves behind
        db.session.execute(update(Station).where(Station.id == ids[0]).values(name="新名字"))
        db.session.execute(text("DELETE FROM station_search WHERE station_id = :id"),
                           {"id": ids[1]})
        db.session.execute(update(Station).where(Station.id == ids[2])
                           .values(status="suspended"))
        db.session.execute(update(StationSearchRow).values(card_key=0)
                           .where(StationSearchRow.station_id == others[0].id))
        db.session.commit()

    counts = rebuild(app, "--batch", "4")
    assert counts == {"stations": 6, "unchanged": 2, "added": 1, "updated": 2, "removed": 1}

    with app.app_context():
        rows = {row.station_id: row for row in db.session.scalars(select(StationSearchRow))}
        stations = db.session.scalars(select(Station).where(Station.status == "active")).all()
        assert set(rows) == {station.id for station in stations}
        for station in stations:
            assert rows[station.id].card == card(station)
        assert json.loads(rows[ids[0]].card)["name"] == "新名字"
    assert rebuild(app) == {"stations": 6, "unchanged": 5, "added": 0, "updated": 0,
                            "removed": 0}
