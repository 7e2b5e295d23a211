"""Dump what the officers would print: the check-in `scene` of each demo station's sign and of
each demo event's venue code, for the mini-program tests: `python fixtures.py out.json` (env
as the server's)."""

import json
import sys

from sqlalchemy import select

from app import create_app
from app.events.events import sign_scene as event_scene
from app.events.models import Event
from app.extensions import db
from app.stations.activity.checkins import sign_scene
from app.stations.models import Station


def main(out: str) -> None:
    app = create_app()
    with app.app_context():
        stations = db.session.scalars(select(Station).order_by(Station.id)).all()
        scenes = {str(s.id): sign_scene(s) for s in stations}
        events = {str(e.id): event_scene(e) for e in db.session.scalars(
            select(Event).where(Event.status == "published").order_by(Event.id))}
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"sign_scenes": scenes, "event_scenes": events}, f)


if __name__ == "__main__":
    main(sys.argv[1])
