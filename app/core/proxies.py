"""The client's address behind trusted proxies (a load balancer, an ingress).

`X-Forwarded-For` is honoured only from configured proxies — never from clients, who can
write anything in it. Two ways to say which hops are ours:

* `TRUSTED_PROXY_NETWORKS` (`10.0.0.0/8,172.16.0.0/12`): the peer must be in one of them;
  the list is read from the right, skipping our own proxies, and the first other address is
  the client.
* `TRUSTED_PROXY_HOPS` (`1`): exactly that many proxies always stand in front of the app
  (only when the app is unreachable except through them); the N-th address from the right is
  the client.

Neither set (the default): the socket's peer is the client. The WSGI middleware rewrites
`REMOTE_ADDR`, so logs, rate limits and idempotency scopes all see the same client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str | None) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in (text or "").split(",") if part.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(peer: str, forwarded_for: str | None, *, networks: Iterable[Network] = (),
                   hops: int = 0) -> str:
    """The client's address, given the socket's `peer` and the `X-Forwarded-For` header."""
    networks = tuple(networks)
    chain = [part.strip() for part in (forwarded_for or "").split(",") if part.strip()]
    if networks:
        def ours(text: str) -> bool:
            found = _address(text)
            return found is not None and any(found in network for network in networks)

        if not chain or not ours(peer):
            return peer
        for candidate in reversed(chain):
            if not ours(candidate):
                return candidate if _address(candidate) is not None else peer
        return chain[0] if _address(chain[0]) is not None else peer
    if hops > 0 and len(chain) >= hops:
        candidate = chain[-hops]
        return candidate if _address(candidate) is not None else peer
    return peer


class TrustedProxies:
    """WSGI middleware: `REMOTE_ADDR` becomes the client behind the configured proxies."""

    def __init__(self, app: Callable, *, networks: Iterable[Network] = (), hops: int = 0):
        self.app, self.networks, self.hops = app, tuple(networks), hops

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        environ["gonghui.peer_addr"] = peer
        environ["REMOTE_ADDR"] = client_address(
            peer, environ.get("HTTP_X_FORWARDED_FOR"), networks=self.networks, hops=self.hops)
        return self.app(environ, start_response)


def install(app) -> None:
    """Wrap the app's WSGI callable when proxies are configured (a no-op otherwise)."""
    networks = parse_networks(app.config.get("TRUSTED_PROXY_NETWORKS"))
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if networks or hops:
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks=networks, hops=hops)
