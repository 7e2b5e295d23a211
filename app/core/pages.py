"""The mini-program's pages the backend links to: one table, `pages/<domain>/<page>`.

Subscribe messages (the outbox row's `page`), in-app messages (`InAppMessage.page`) and the
mini-program codes (`getwxacodeunlimit`'s `page`, scanned into `scene`) all name a page from
here through `page_path()`, so the client builds exactly these pages and a renamed page is
changed in one place. No module writes a "pages/…" literal itself (tests/core/test_pages.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

# name ("<domain>/<page>") → what the page shows
PAGES: dict[str, str] = {
    "aid/application": "one aid application: status, current step, history (?id=)",
    "aid/program": "one aid program: rules, window, and for its admins budget and warnings (?id=)",
    "hardship/file": "one hardship file: level, household, step, notice, history (?id=)",
    "cards/card": "the member's own electronic member card with its QR",
    "members/transfer": "one membership transfer request and its decision (?id=)",
    "events/event": "one event: time, place or links, seats left, my sign-up (?id=); opened by "
                   "its venue code it checks in (scene e=<code>&k=<key>)",
    "events/index": "open lectures, classes and trainings (宣讲、大讲堂、培训)",
    "benefits/detail": "one benefit campaign: what it gives, the window, my claim (?id=)",
    "members/detail": "one membership application and its decision (?id=)",
    "rights/case": "one rights case: status, deadlines, history, rating (?id=)",
    "projects/detail": "one challenge project (揭榜挂帅) (?id=)",
    "stations/detail": "one station: hours, services, map links, feedback (?id=)",
    "stations/checkin": "check-in at a station, opened by its code (scene s=<code>)",
    "workbench/index": "the officer's to-do queue",
}


def page_path(name: str, **query: object) -> str:
    """`pages/<domain>/<page>` with an optional query (`?id=7`); KeyError for a page the
    table lacks. Mini-program codes take the bare path (no query: their data is the scene)."""
    if name not in PAGES:
        raise KeyError(f"unknown mini-program page {name!r}: add it to app/core/pages.py")
    path = f"pages/{name}"
    return f"{path}?{urlencode(query)}" if query else path
