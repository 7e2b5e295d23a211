"""Rate limits key on the real client behind trusted proxies, never on a header a client
wrote; a crowd of real logins behind one carrier NAT passes while a flood of bad codes stops."""

from __future__ import annotations

import ipaddress

import pytest
from flask_migrate import upgrade

from app.core.proxies import client_address, parse_networks
from app.extensions import db
from tests.conftest import build_app

OURS = parse_networks("10.0.0.0/8, fd00::/8")
NEARBY = "/api/v1/stations/nearby?lat=36.6&lng=101.7"


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("10.0.0.2", "203.0.113.5", "203.0.113.5"),                    # one balancer
    ("10.0.0.2", "203.0.113.5, 10.0.0.9", "203.0.113.5"),          # balancer → ingress
    ("10.0.0.2", "1.2.3.4, 203.0.113.5", "203.0.113.5"),           # a client's own prefix ignored
    ("198.51.100.7", "203.0.113.5", "198.51.100.7"),               # not from our proxy: ignored
    ("10.0.0.2", None, "10.0.0.2"),
    ("10.0.0.2", "garbage", "10.0.0.2"),
    ("10.0.0.2", "10.0.0.3, 10.0.0.4", "10.0.0.3"),                # only our own hops
    ("fd00::1", "2001:db8::5", "2001:db8::5"),
])
def test_the_client_is_the_first_address_that_is_not_ours(peer, forwarded, client):
    assert client_address(peer, forwarded, networks=OURS) == client


def test_a_fixed_number_of_hops_takes_that_address_from_the_right():
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.5", hops=1) == "203.0.113.5"
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.9", hops=2) == "203.0.113.5"
    assert client_address("10.0.0.2", None, hops=1) == "10.0.0.2"
    assert client_address("10.0.0.2", "1.2.3.4") == "10.0.0.2"  # nothing trusted: the peer


def _app(fake_wechat, tmp_path, **overrides):
    application = build_app(f"sqlite:///{tmp_path / 'limits.db'}", fake_wechat.url, **overrides)
    with application.app_context():
        upgrade()
    return application


def test_behind_the_balancer_each_client_has_its_own_budget(fake_wechat, tmp_path):
    application = _app(fake_wechat, tmp_path, RATELIMIT_PUBLIC="2 per minute",
                       TRUSTED_PROXY_NETWORKS="10.0.0.0/8")
    client = application.test_client()

    def nearby(peer: str, forwarded: str | None = None) -> int:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return client.get(NEARBY, headers=headers,
                          environ_base={"REMOTE_ADDR": peer}).status_code

    # two riders behind the one balancer address: two budgets, not one shared by everybody
    assert [nearby("10.0.0.2", "203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert [nearby("10.0.0.2", "203.0.113.6") for _ in range(2)] == [200, 200]
    # a client talking to the app directly cannot pick a fresh address with the header
    assert [nearby("198.51.100.7", f"192.0.2.{n}") for n in range(3)] == [200, 200, 429]
    with application.app_context():
        db.engine.dispose()


def test_a_hundred_real_logins_from_one_address_pass_bad_codes_are_stopped(fake_wechat,
                                                                          tmp_path):
    application = _app(fake_wechat, tmp_path, RATELIMIT_LOGIN="600 per minute",
                       RATELIMIT_LOGIN_FAILURES="20 per minute")
    client = application.test_client()
    crowd = [client.post("/api/v1/auth/wx-login", json={"code": f"mock:nat-{n}"}).status_code
             for n in range(100)]
    assert crowd == [200] * 100
    flood = [client.post("/api/v1/auth/wx-login", json={"code": f"bad-{n}"}).status_code
             for n in range(25)]
    assert flood[:20] == [401] * 20 and set(flood[20:]) == {429}
    # the address is stopped for the window; another address is not
    late = client.post("/api/v1/auth/wx-login", json={"code": "mock:late"})
    error = late.get_json()["error"]
    assert late.status_code == 429 and error["code"] == "rate_limited"
    assert error["message"].startswith("你所在网络的失败尝试过多")
    assert error["details"] == {"limit": "20 per 1 minute"}
    assert 0 < int(late.headers["Retry-After"]) <= 60
    other = client.post("/api/v1/auth/wx-login", json={"code": "mock:elsewhere"},
                        environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert other.status_code == 200
    with application.app_context():
        db.engine.dispose()


def test_addresses_parse_as_networks():
    assert parse_networks("") == ()
    assert parse_networks("10.1.2.3/8")[0] == ipaddress.ip_network("10.0.0.0/8")
