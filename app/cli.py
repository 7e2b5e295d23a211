"""`flask gonghui …`: demo data, the development server, operators' jobs."""

from __future__ import annotations

import json
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple


def _outbox_loop(app) -> None:
    """make run's in-process outbox worker (production runs `flask gonghui outbox-worker`)."""
    from app.notify import worker

    with app.app_context():
        worker.run_forever(batch=50, idle_seconds=2.0)


@click.group("gonghui")
def gonghui() -> None:
    """Gonghui operator commands."""


@gonghui.command("demo-data")
@with_appcontext
def demo_data() -> None:
    """Load the seed article's demo data (idempotent)."""
    from app.demo import load_demo_data

    summary = load_demo_data()
    click.echo(f"demo data: {summary}")


@gonghui.command("create-root-org")
@click.option("--name", required=True)
@click.option("--level", type=click.Choice(["province", "city", "county", "town", "village"]),
              default="province", show_default=True)
@click.option("--region-code", default=None)
@with_appcontext
def create_root_org(name: str, level: str, region_code: str | None) -> None:
    """Create a top-level org (operators only; admins create the rest through the API)."""
    from app.orgs import service

    org = service.create_root_org(name=name, level=level, region_code=region_code)
    click.echo(json.dumps({"id": org.id, "name": org.name, "level": org.level},
                          ensure_ascii=False))


@gonghui.command("grant-role")
@click.option("--openid", required=True, help="the user must have logged in once")
@click.option("--org-id", type=int, required=True)
@click.option("--role", type=click.Choice(["reviewer", "approver", "admin"]), required=True)
@with_appcontext
def grant_role(openid: str, org_id: int, role: str) -> None:
    """Grant a role on an org to a user, as an operator (audited with no acting officer)."""
    from app.errors import AppError
    from app.orgs import service

    try:
        grant = service.grant_role(actor_id=None, org_id=org_id, role=role, openid=openid)
    except AppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps({"grant_id": grant.id, "user_id": grant.user_id, "org_id": org_id,
                           "role": role}))


@gonghui.command("retention")
@click.option("--dry-run", is_flag=True, help="list what is due; change and audit nothing")
@with_appcontext
def retention(dry_run: bool) -> None:
    """Delete or de-identify personal data past its retention period (RETENTION_DAYS)."""
    from app.privacy import retention as job

    click.echo(json.dumps(job.run(dry_run=dry_run), ensure_ascii=False))


@gonghui.command("publish-policy")
@click.argument("purpose")
@click.argument("version")
@click.option("--title", required=True)
@click.option("--summary", required=True)
@with_appcontext
def publish_policy(purpose: str, version: str, title: str, summary: str) -> None:
    """Publish a privacy policy version; consents to older versions stop counting."""
    from app.privacy.consent import publish_policy as publish

    policy = publish(purpose=purpose, version=version, title=title, summary=summary)
    click.echo(f"{policy.purpose} policy {policy.version} is current")


@gonghui.group("holidays")
def holidays() -> None:
    """The working-day calendar: public holidays and 调休 working weekends."""


@holidays.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def holidays_load(file: str) -> None:
    """Load a calendar file (CSV or JSON, see docs/operations.md); it replaces the calendar of
    every year it covers, and nothing is written if any row is wrong."""
    from app.core import workdays

    with open(file, encoding="utf-8") as handle:
        text = handle.read()
    try:
        rows = workdays.parse_calendar(text, filename=file)
    except workdays.CalendarFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(workdays.load_calendar(rows)))


@gonghui.command("hardship-reminders")
@with_appcontext
def hardship_reminders() -> None:
    """Daily: to-dos for hardship files due for their yearly review or their follow-up six
    months after exit (idempotent); abandoned drafts and returned files not resubmitted in
    time are withdrawn (HARDSHIP_ABANDON_DAYS), their applicants told."""
    from app.hardship.upkeep import open_due_reminders, withdraw_abandoned

    click.echo(json.dumps({**open_due_reminders(), **withdraw_abandoned()}))


@gonghui.group("rights")
def rights() -> None:
    """Rights help (维权) jobs."""


@rights.command("escalate")
@with_appcontext
def rights_escalate() -> None:
    """Escalate every overdue rights case to the org above, each once (run it hourly)."""
    from app.rights.deadlines import escalate_overdue

    click.echo(json.dumps({"escalated": escalate_overdue()}))


@gonghui.group("cards")
def cards() -> None:
    """Electronic member cards (电子会员卡)."""


@cards.command("rotate-key")
@click.option("--revoke", is_flag=True,
              help="a leaked key: delete every earlier key now, so its codes stop verifying")
@with_appcontext
def cards_rotate_key(revoke: bool) -> None:
    """Make a new current signing key for card QR codes; the one before verifies the codes
    it signed until they expire (CARD_TOKEN_SECONDS) and stays published for
    CARD_KEY_GRACE_SECONDS more. The first rotation moves CARD_SIGNING_KEYS into the
    database, which is the key ring from then on."""
    from app.cards.keys import rotate

    rotation = rotate(revoke=revoke)
    click.echo(json.dumps({"kid": rotation.kid, "retired": rotation.retired,
                           "dropped": rotation.dropped}))


@gonghui.command("rebuild-search")
@click.option("--batch", default=1000, show_default=True, help="stations per transaction")
@with_appcontext
def rebuild_search(batch: int) -> None:
    """Rebuild the nearby read model (station_search, cards included) from the stations
    table; idempotent: rows already right stay as they are."""
    from app.extensions import db
    from app.stations.search import rebuild_search as rebuild

    with db.engine.connect() as connection:
        def committed(counts) -> None:
            connection.commit()
            click.echo(f"… {counts.stations:,} stations read", err=True)

        counts = rebuild(connection, batch=batch, after_batch=committed)
    click.echo(json.dumps(counts.as_dict()))


@gonghui.command("outbox-worker")
@click.option("--once", is_flag=True, help="deliver one batch and exit")
@click.option("--batch", default=50, show_default=True)
@click.option("--idle", default=1.0, show_default=True, help="seconds to sleep when idle")
@with_appcontext
def outbox_worker(once: bool, batch: int, idle: float) -> None:
    """Send WeChat subscribe messages from the outbox (several may run at once)."""
    from app.notify import worker

    if once:
        click.echo(json.dumps(worker.run_once(worker.worker_name(), batch)))
    else:
        worker.run_forever(batch, idle)


@gonghui.command("dev-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="default: $PORT or 5000")
@with_appcontext
def dev_server(host: str, port: int | None) -> None:
    """Run the API with the bundled fake WeChat server (when WECHAT_API_BASE is unset)."""
    from wxclient.fake import FakeWeChatServer

    app = current_app._get_current_object()
    fake = None
    if not app.config.get("WECHAT_API_BASE"):
        fake = FakeWeChatServer(
            appid=app.config["WECHAT_APPID"], secret=app.config["WECHAT_SECRET"]
        )
        fake.start()
        app.config["WECHAT_API_BASE"] = fake.url
        click.echo(f"fake WeChat server on {fake.url} (login codes: mock:<name>)")
    threading.Thread(target=_outbox_loop, args=(app,), daemon=True).start()
    port = port or app.config["PORT"]
    click.echo(f"Gonghui API on http://{host}:{port}  (docs: http://{host}:{port}/api/docs)")
    try:
        # app.run() refuses to start inside the `flask` command; serve with werkzeug directly
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if fake:
            fake.stop()


@gonghui.command("reconcile")
@with_appcontext
def reconcile() -> None:
    """Check every domain's money totals against the journal; exit 1 with the differences."""
    from app.ledger.statements import reconcile as run

    differences = run()
    for found in differences:
        click.echo(json.dumps({"check": found.check, "key": found.key,
                               "domain_fen": found.domain_fen,
                               "journal_fen": found.journal_fen}, ensure_ascii=False))
    if differences:
        click.echo(f"reconcile: {len(differences)} differences", err=True)
        raise SystemExit(1)
    click.echo("reconcile: the journal agrees with every domain to the fen")


@gonghui.command("benefit-jobs")
@with_appcontext
def benefit_jobs() -> None:
    """Reminders before a benefit window closes; unredeemed pick-ups back to the stock."""
    from app.benefits.claims import expire_unredeemed, send_reminders

    click.echo(json.dumps({"reminded": send_reminders(), "expired": expire_unredeemed()}))
