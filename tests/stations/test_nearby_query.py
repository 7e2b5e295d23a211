"""The nearby search's fast query parser agrees with NearbyQuery, or steps aside."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from app.core.http import ApiBlueprint
from app.stations.schemas import NearbyQuery, nearby_query_fast

INVALID = object()
SCHEMA = NearbyQuery()
BARE = Flask(__name__)

NUMBERS = ["36.6171", "-36.6", "101.778234", "90", "-90", "90.0000001", "180", "-180.5", "0",
           "-0", "007", "1e2", "36.", ".5", " 36.6", "36.6 ", "NaN", "inf", "-inf", "1_0",
           "٣٦", "", "36,6", "0x10", "99999", "12.1234567890123456", "1000", "5000", "5001",
           "50", "51", "1", "0000050", "20.0"]
WORDS = ["gcj02", "wgs84", "bd09", "GCJ02", "utm", "true", "false", "True", "1", "0", "yes",
         "on", "toilet", "toilet,wifi", "toilet,,wifi", "wifi,", "spa", "drinking_water,toilet",
         "toilet\x00", "nursing_room,nursing_room"]
KEYS = ["lat", "lng", "coord", "radius", "limit", "services", "open_now", "Lat", "x", ""]


def reference(pairs: list[tuple[str, str]]):
    """What the documented schema (through flask-smorest's parser) makes of the query."""
    with BARE.test_request_context("/?" + urlencode(pairs)):
        try:
            return ApiBlueprint.ARGUMENTS_PARSER.parse(SCHEMA, location="query")
        except HTTPException:
            return INVALID


def fast(pairs: list[tuple[str, str]]):
    with BARE.test_request_context("/?" + urlencode(pairs)):
        from flask import request

        return nearby_query_fast(request.args)


values = st.one_of(st.sampled_from(NUMBERS + WORDS), st.text(max_size=8))
queries = st.lists(st.tuples(st.sampled_from(KEYS), values), max_size=8)


@settings(max_examples=600, deadline=None)
@given(queries)
def test_fast_parser_agrees_with_the_schema_or_steps_aside(pairs):
    found = fast(pairs)
    if found is not None:
        assert found == reference(pairs)


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(-90, 90), lng=st.floats(-180, 180), radius=st.integers(1, 5000),
       limit=st.integers(1, 50), open_now=st.booleans(),
       services=st.lists(st.sampled_from(["toilet", "wifi", "drinking_water"]), max_size=3),
       coord=st.sampled_from(["gcj02", "wgs84", "bd09"]))
def test_fast_parser_takes_every_plain_query(lat, lng, radius, limit, open_now, services,
                                             coord):
    """What the mini-program sends (fixed decimals, plain counts) never falls back."""
    pairs = [("lat", f"{lat:.6f}"), ("lng", f"{lng:.6f}"), ("radius", str(radius)),
             ("limit", str(limit)), ("open_now", "true" if open_now else "false"),
             ("coord", coord)]
    if services:
        pairs.append(("services", ",".join(services)))
    found = fast(pairs)
    assert found is not None
    assert found == reference(pairs)


def test_missing_coordinates_are_left_to_the_schema():
    assert fast([("lat", "36.6")]) is None
    assert reference([("lat", "36.6")]) is INVALID
    assert nearby_query_fast(MultiDict([("lat", "1"), ("lng", "2"), ("lat", "3")])) is None


def test_every_single_field_variation_agrees():
    """Each listed spelling in each field of an otherwise valid query (boundaries included)."""
    base = [("lat", "36.6"), ("lng", "101.7")]
    checked = 0
    for key in KEYS:
        for value in NUMBERS + WORDS:
            pairs = [pair for pair in base if pair[0] != key] + [(key, value)]
            found = fast(pairs)
            if found is not None:
                assert found == reference(pairs), pairs
                checked += 1
    assert checked > 40  # the fast path did take part


def test_repeated_services_read_like_a_comma_list():
    repeated = [("lat", "36.6"), ("lng", "101.7"), ("services", "toilet"), ("services", "wifi")]
    comma = [("lat", "36.6"), ("lng", "101.7"), ("services", "toilet,wifi")]
    mixed = [("lat", "36.6"), ("lng", "101.7"), ("services", "toilet,wifi"),
             ("services", "drinking_water")]
    assert fast(repeated)["services"] == reference(repeated)["services"] == ["toilet", "wifi"]
    assert fast(comma)["services"] == reference(comma)["services"] == ["toilet", "wifi"]
    assert fast(mixed)["services"] == reference(mixed)["services"] == [
        "toilet", "wifi", "drinking_water"]
    assert reference([("lat", "1"), ("lng", "2"), ("services", "wifi"),
                      ("services", "spa")]) is INVALID
