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
