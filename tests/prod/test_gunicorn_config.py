"""The production gunicorn config uses threaded workers unless told otherwise (issue 16 item 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READ = ("import json, runpy; c = runpy.run_path('config/gunicorn.conf.py'); "
        "print(json.dumps({'worker_class': c['worker_class'], 'threads': c['threads']}))")


def settings(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    out = subprocess.run([sys.executable, "-c", READ], cwd=ROOT, env={**clean, **env},
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize(("env", "expected"), [
    ({}, {"worker_class": "gthread", "threads": 4}),
    ({"GUNICORN_THREADS": "8"}, {"worker_class": "gthread", "threads": 8}),
    ({"GUNICORN_THREADS": "1"}, {"worker_class": "sync", "threads": 1}),
])
def test_threaded_workers_by_default(env, expected, tmp_path):
    assert settings(PROMETHEUS_MULTIPROC_DIR=str(tmp_path), **env) == expected


def test_the_access_line_is_gunicorns_with_every_atom_masked(tmp_path, monkeypatch):
    """The lazily masked atoms (issue 22) write the line gunicorn's SafeAtoms wrote over atoms
    masked one by one: numbers starred, quotes escaped, unknown atoms '-'."""
    import runpy
    from datetime import timedelta

    from gunicorn.glogging import Logger, SafeAtoms

    from app.core.requestlog import mask_numbers

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))

    class Response:
        status, sent = "200 OK", 1234
        headers = [("Content-Type", "application/json"), ("X-Request-ID", 'id"13812345678')]

    class Request:
        headers = [("HOST", "x"), ("User-Agent", "ua 13912345678"), ("Referer", "r")]

    environ = {"REMOTE_ADDR": "10.0.0.1", "REQUEST_METHOD": "GET",
               "RAW_URI": "/api/v1/x/13812345678?q=1", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": '/api/v1/x/13812345678"q', "QUERY_STRING": "tel=13812345678"}
    logger = object.__new__(config["MaskedGunicornLogger"])
    logger._get_user = lambda environ: None
    atoms = logger.atoms(Response, Request, environ, timedelta(microseconds=2345))
    fmt = config["access_log_format"] + " %(q)s %(a)s %({referer}i)s %({nothing}i)s %(z)s"
    assert logger.atoms.__func__ is Logger.atoms  # raw atoms: masked only when read
    before = SafeAtoms({key: mask_numbers(value) if isinstance(value, str) else value
                        for key, value in atoms.items()})
    line = fmt % logger.atoms_wrapper_class(atoms)
    assert line == fmt % before
    assert "13812345678" not in line and "*******5678" in line and '\\"' in line
