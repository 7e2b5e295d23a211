"""Every request field that takes money takes a JSON integer of fen and nothing else: a
fraction, a string, an exponent-written number, a boolean or a negative amount is 422 with
the field named, never truncated or coerced."""

from __future__ import annotations

import copy
import json

import pytest

from tests.factories.aid import CATEGORIES, program_body
from tests.factories.projects import NOON, ProjectDriver, bid_body, project_body

# (value as it appears in the JSON text, accepted?)
VALUES = [("100.5", False), ('"100"', False), ("1e3", False), ("true", False), ("-1", False),
          ("100", True)]
PLACEHOLDER = 987654321987  # a number no body holds, replaced by the raw JSON value


def _project(ctx, status: str) -> ProjectDriver:
    run = ProjectDriver(ctx["app"], ctx["client"], ctx["as_user"], ctx["clock"], ctx["tree"])
    run.drive(status)
    return run


def project_create(ctx):
    return "POST", "/api/v1/projects", "county_approver", \
        project_body(ctx["tree"]["county"], budget_fen=PLACEHOLDER), "budget_fen"


def project_update(ctx):
    run = _project(ctx, "draft")
    return "PATCH", run.url, "county_approver", \
        {"budget_fen": PLACEHOLDER, **run.version()}, "budget_fen"


def bid_create(ctx):
    run = _project(ctx, "published")
    return "POST", f"{run.url}/bids", "bidder", bid_body(requested_fen=PLACEHOLDER), \
        "requested_fen"


def bid_update(ctx):
    run = _project(ctx, "published")
    run.bid()
    bid = run.bids["bidder"]
    return "PATCH", f"{run.url}/bids/{bid['id']}", "bidder", \
        {"requested_fen": PLACEHOLDER, "version": bid["version"]}, "requested_fen"


def tranche_create(ctx):
    run = _project(ctx, "awarded")
    return "POST", f"{run.url}/tranches", "county_approver", \
        {"milestone": "第一阶段", "amount_fen": PLACEHOLDER}, "amount_fen"


def program_budget(ctx):
    return "POST", "/api/v1/aid/programs", "prov_admin", \
        program_body(ctx["tree"], budget_fen=PLACEHOLDER), "budget_fen"


def program_tier_amount(ctx):
    categories = copy.deepcopy(CATEGORIES)
    categories[0]["tiers"][0]["amount_fen"] = PLACEHOLDER
    return "POST", "/api/v1/aid/programs", "prov_admin", \
        program_body(ctx["tree"], categories=categories), "categories"


def benefit_unit(ctx):
    from tests.factories.benefits import campaign_body

    tree = ctx["tree"]
    return "POST", "/api/v1/benefits", "county_admin", \
        campaign_body(tree["county"], [tree["county"]], kind="enrolment",
                      unit_fen=PLACEHOLDER), "unit_fen"


def relief_allocation(ctx):
    from tests.factories.benefits import allocation_body

    tree = ctx["tree"]
    return "POST", "/api/v1/relief/allocations", "prov_admin", \
        allocation_body(tree["province"], tree["county"], PLACEHOLDER), "amount_fen"


def relief_payout(ctx):
    from tests.factories.benefits import allocation_body, payee

    tree, client, as_user = ctx["tree"], ctx["client"], ctx["as_user"]
    made = client.post("/api/v1/relief/allocations", headers=as_user("prov_admin"),
                       json=allocation_body(tree["province"], tree["county"], 10**9)).get_json()
    moved = client.post(f"/api/v1/relief/allocations/{made['id']}/transfer",
                        headers=as_user("prov_admin"),
                        json={"version": made["version"], "voucher_reference": "V"}).get_json()
    client.post(f"/api/v1/relief/allocations/{made['id']}/acknowledge",
                headers=as_user("county_admin"), json={"version": moved["version"]})
    return "POST", f"/api/v1/relief/allocations/{made['id']}/payouts", "county_admin", \
        {"batch_name": "第一批", "people": [payee(1, PLACEHOLDER)]}, "people"


def _rights_member(ctx) -> dict:
    from tests.factories.cards import approved_member
    from tests.helpers import give_consents

    approved_member(ctx["client"], ctx["as_user"], ctx["tree"]["village1"])
    give_consents(ctx["client"], ctx["as_user"]("applicant"), "rights")
    return ctx["as_user"]("applicant")


def rights_case_claim(ctx):
    from tests.factories.rights import case_body

    _rights_member(ctx)
    return "POST", "/api/v1/rights-cases", "applicant", \
        case_body(amount_claimed_fen=PLACEHOLDER), "amount_claimed_fen"


def rights_case_recovered(ctx):
    from tests.factories.rights import act, submitted_case

    case = submitted_case(ctx["client"], _rights_member(ctx))
    case = act(ctx["client"], ctx["as_user"]("village1_approver"), case, "accept").get_json()
    return "POST", f"/api/v1/rights-cases/{case['id']}/resolve", "village1_approver", \
        {"version": case["version"], "outcome": "已追回", "amount_recovered_fen": PLACEHOLDER}, \
        "amount_recovered_fen"


def hardship_settings(ctx):
    return "PUT", f"/api/v1/hardship/settings/{ctx['tree']['county']}", "county_admin", \
        {"poverty_line_fen": PLACEHOLDER, "notice_working_days": 5}, "poverty_line_fen"


def hardship_self_test(ctx):
    from tests.factories.hardship import put_settings

    put_settings(ctx["client"], ctx["as_user"], ctx["tree"])
    return "POST", "/api/v1/hardship-files/self-test", "applicant", \
        {"county_org_id": ctx["tree"]["county"], "household_size": 3,
         "yearly_income_fen": PLACEHOLDER}, "yearly_income_fen"


def hardship_create(ctx):
    from tests.factories.hardship import consent, file_body, put_settings

    put_settings(ctx["client"], ctx["as_user"], ctx["tree"])
    body = file_body(ctx["tree"], accident_fen=PLACEHOLDER)
    consent(ctx["client"], ctx["as_user"], "applicant", body)
    return "POST", "/api/v1/hardship-files", "applicant", body, "accident_costs_fen"


def hardship_update(ctx):
    from tests.factories.hardship import draft, put_settings

    put_settings(ctx["client"], ctx["as_user"], ctx["tree"])
    made = draft(ctx["client"], ctx["as_user"], ctx["tree"]).get_json()
    return "PATCH", f"/api/v1/hardship-files/{made['id']}", "applicant", \
        {"version": made["version"], "accident_costs_fen": PLACEHOLDER}, "accident_costs_fen"


def hardship_review(ctx):
    from tests.factories.hardship import filed, put_settings

    put_settings(ctx["client"], ctx["as_user"], ctx["tree"])
    done = filed(ctx["client"], ctx["as_user"], ctx["tree"], ctx["clock"])
    return "POST", f"/api/v1/hardship-files/{done['id']}/reviews", "village1_approver", \
        {"version": done["version"], "findings": "入户复核，情况属实。",
         "accident_costs_fen": PLACEHOLDER}, "accident_costs_fen"


ENDPOINTS = [project_create, project_update, bid_create, bid_update, tranche_create,
             program_budget, program_tier_amount, benefit_unit, relief_allocation,
             relief_payout, rights_case_claim, rights_case_recovered, hardship_settings,
             hardship_self_test, hardship_create, hardship_update, hardship_review]


@pytest.mark.parametrize(("raw", "accepted"), VALUES, ids=[v for v, _ in VALUES])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.__name__ for e in ENDPOINTS])
def test_money_fields_take_integer_fen_only(app, client, as_user, clock, tree, endpoint, raw,
                                            accepted):
    clock.move_to(NOON)
    ctx = {"app": app, "client": client, "as_user": as_user, "clock": clock, "tree": tree}
    method, url, who, body, field = endpoint(ctx)
    text = json.dumps(body)
    assert text.count(str(PLACEHOLDER)) == 1
    response = client.open(url, method=method, headers=as_user(who),
                           data=text.replace(str(PLACEHOLDER), raw),
                           content_type="application/json")
    if accepted:
        assert response.status_code in (200, 201), response.get_json()
        return
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in str(error["details"]), error


COVERED = {("post", "/api/v1/projects"), ("patch", "/api/v1/projects/{project_id}"),
           ("post", "/api/v1/projects/{project_id}/bids"),
           ("patch", "/api/v1/projects/{project_id}/bids/{bid_id}"),
           ("post", "/api/v1/projects/{project_id}/tranches"), ("post", "/api/v1/aid/programs"),
           ("post", "/api/v1/benefits"), ("post", "/api/v1/relief/allocations"),
           ("post", "/api/v1/relief/allocations/{allocation_id}/payouts"),
           ("post", "/api/v1/rights-cases"), ("post", "/api/v1/rights-cases/{case_id}/resolve"),
           ("put", "/api/v1/hardship/settings/{org_id}"),
           ("post", "/api/v1/hardship-files/self-test"), ("post", "/api/v1/hardship-files"),
           ("patch", "/api/v1/hardship-files/{file_id}"),
           ("post", "/api/v1/hardship-files/{file_id}/reviews")}


def test_the_list_above_covers_every_money_field_of_the_api(client):
    """A new request field named *_fen must join the parametrised test above."""
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]

    def names(node, seen=()):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                yield from names(schemas[name], (*seen, name))
            return
        for key, value in node.get("properties", {}).items():
            yield key
            yield from names(value, seen)
        if "items" in node:
            yield from names(node["items"], seen)

    taking = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            bodies = operation.get("requestBody", {}).get("content", {}).values()
            fields = {n for body in bodies for n in names(body["schema"])}
            fields |= {p["name"] for p in operation.get("parameters", [])}
            if any(name.endswith("_fen") for name in fields):
                taking.add((method, path))
    assert taking == COVERED
