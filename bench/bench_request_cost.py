"""CPU per request, in-process, for each kind of the mixed load (bench/bench_mixed.py).

Builds the app as gunicorn does (GONGHUI_ENV=production, the same settings as the mixed
bench) on the mixed bench's PostgreSQL database (load it first with bench_mixed.py), then
calls the WSGI app directly — no HTTP server, no client — `--repeat` times per kind and
prints per request: the process's CPU time, the CPU the PostgreSQL backends of the database
used (read from /proc), and, under callgrind, the instructions executed (repeatable on a
shared machine, unlike time). Usage:

    .venv/bin/python bench/bench_request_cost.py --postgres URL [--repeat 200] [--tree PATH]
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \
        .venv/bin/python bench/bench_request_cost.py --postgres URL --repeat 30 --callgrind

With --callgrind the script switches instrumentation on before the first kind's warm-up
(`callgrind_control -i on`: the app starts uninstrumented), zeroes the counters before each
kind's measured calls (`-z`) and dumps one file per kind after them (`-d KIND`); it prints
Ir per request from those dumps (the process's own instructions: PostgreSQL's are not in
them — the PG column is). --tree measures another checkout (e.g. a worktree of the base).
--profile DIR writes a cProfile of each kind's measured calls (read it with
`python -m pstats DIR/KIND.prof`); its own overhead inflates the CPU column.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import glob
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--tree", default=str(HERE))
    parser.add_argument("--kinds", default="")
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--profile", metavar="DIR",
                        help="also write a cProfile of each kind's measured calls to DIR/KIND.prof")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from bench.bench_mixed import FIELD_KEY, JWT_KEY, MEMBERS, OFFICER, database_cpu

    sys.path.insert(0, args.tree)  # the app (and its config) from the tree measured
    # the fake WeChat server in its own process, as in the mixed bench (where the client
    # process hosts it): a login's figures are then the app's work only
    fake_port = _free_port()
    fake = subprocess.Popen([sys.executable, "-m", "wxclient.fake", "--port", str(fake_port)],
                            cwd=args.tree, stdout=subprocess.DEVNULL)
    _wait_for_port(fake_port)
    os.environ.update(
        {
            "GONGHUI_ENV": "production",
            "DATABASE_URL": args.postgres,
            "WECHAT_APPID": "wx-fake-appid",
            "WECHAT_SECRET": "fake-secret",
            "WECHAT_API_BASE": f"http://127.0.0.1:{fake_port}",
            "JWT_SECRET_KEY": JWT_KEY,
            "FIELD_ENCRYPTION_KEY": FIELD_KEY,
            "CARD_SIGNING_KEYS": json.dumps(
                {"bench-1": base64.urlsafe_b64encode(b"c" * 32).decode().rstrip("=")}
            ),
            "LOG_LEVEL": "WARNING",
            "NEARBY_INDEX": "eager",
            "RATELIMIT_LOGIN": "1000000 per minute",
            "RATELIMIT_PUBLIC": "1000000 per minute",
            "RATELIMIT_WRITES": "1000000 per minute",
            "GONGHUI_INSTANCE_DIR": tempfile.mkdtemp(prefix="gonghui-cost-"),
            "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="gonghui-prom-"),
        }
    )
    from werkzeug.test import EnvironBuilder

    from app import create_app
    from app.extensions import db
    from app.members.models import Membership

    app = create_app()
    print(f"app from {sys.modules['app'].__file__}", flush=True)

    def call(method, path, headers=None, body=None):
        environ = EnvironBuilder(
            path=path, method=method, headers=headers or {}, json=body
        ).get_environ()
        environ["REMOTE_ADDR"] = "127.0.0.1"
        environ["SERVER_PORT"] = "18801"
        status = []
        chunks = app(environ, lambda s, h, e=None: status.append(s))
        data = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(status[0].split()[0]), data

    def token(code):
        status, data = call("POST", "/api/v1/auth/wx-login", body={"code": code})
        return {"Authorization": "Bearer " + json.loads(data)["access_token"]}

    officer, member = token(OFFICER), token(MEMBERS[1])
    with app.app_context():
        pending = list(
            db.session.scalars(
                db.select(Membership.id)
                .where(Membership.status == "pending")
                .order_by(Membership.id.desc())
                .limit(args.repeat + args.warmup + 10)
            )
        )
        db.session.remove()
    logins = iter(range(10**9))
    requests = {
        "nearby": lambda: call(
            "GET", "/api/v1/stations/nearby?lat=31.230400&lng=121.473700&radius=1000&limit=20"
        ),
        "login": lambda: call(
            "POST",
            "/api/v1/auth/wx-login",
            body={"code": f"mock:cost-{os.getpid()}-{next(logins)}"},
        ),
        "me": lambda: call("GET", "/api/v1/me", officer),
        "counts": lambda: call("GET", "/api/v1/workbench/counts", officer),
        "todos": lambda: call("GET", "/api/v1/workbench/todos", officer),
        "station": lambda: call("GET", "/api/v1/stations/1", officer),
        "events": lambda: call("GET", "/api/v1/events", member),
        "benefits": lambda: call("GET", "/api/v1/me/benefits", member),
        "card": lambda: call("GET", "/api/v1/me/card", member),
        "decision": lambda: call(
            "POST",
            f"/api/v1/memberships/{pending.pop()}/decision",
            officer,
            {"action": "approve", "version": 1},
        ),
        "healthz": lambda: call("GET", "/healthz"),
    }
    kinds = [k for k in args.kinds.split(",") if k] or list(requests)
    requests["nearby"]()  # NEARBY_INDEX=eager: the index loads here, before any measurement
    print(f"{'kind':<10} {'status':>6} {'app CPU µs':>11} {'PG µs':>8} {'Ir/request':>12}")
    for kind in kinds:
        send = requests[kind]
        if args.callgrind:
            _control("-i", "on")
        for _ in range(args.warmup):
            status, data = send()
        if status >= 400 and not (kind == "station" and status == 404):
            print(f"{kind}: {status} {data[:300]!r}")
        pg_before, cpu_before = database_cpu(args.postgres), time.process_time()
        if args.callgrind:
            _control("-z")
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        for _ in range(args.repeat):
            send()
        if profiler:
            profiler.disable()
            os.makedirs(args.profile, exist_ok=True)
            profiler.dump_stats(os.path.join(args.profile, f"{kind}.prof"))
        if args.callgrind:
            _control("-d", kind)
        cpu = (time.process_time() - cpu_before) / args.repeat * 1e6
        pg = (database_cpu(args.postgres) - pg_before) / args.repeat * 1e6
        ir = _last_dump_ir() / args.repeat if args.callgrind else float("nan")
        print(f"{kind:<10} {status:>6} {cpu:>11.0f} {pg:>8.0f} {ir:>12,.0f}", flush=True)
    fake.terminate()
    fake.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the fake WeChat server did not start on port {port}")


def _control(*options: str) -> None:
    subprocess.run(
        ["callgrind_control", *options, str(os.getpid())],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _last_dump_ir() -> int:
    files = sorted(glob.glob(f"/tmp/cg.{os.getpid()}.*"), key=os.path.getmtime)
    if not files:
        return 0
    with open(files[-1]) as handle:
        for line in handle:
            found = re.match(r"(?:summary|totals): (\d+)", line)
            if found:
                return int(found.group(1))
    return 0


if __name__ == "__main__":
    main()
