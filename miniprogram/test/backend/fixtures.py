"""Dump what the officer would print on the station signs (the check-in `scene` of each active
demo station) for the mini-program tests: `python fixtures.py out.json` (env as the server's)."""

import json
import sys

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.stations.activity.checkins import sign_scene
from app.stations.models import Station


def main(out: str) -> None:
    app = create_app()
    with app.app_context():
        stations = db.session.scalars(select(Station).order_by(Station.id)).all()
        scenes = {str(s.id): sign_scene(s) for s in stations}
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"sign_scenes": scenes}, f)


if __name__ == "__main__":
    main(sys.argv[1])
