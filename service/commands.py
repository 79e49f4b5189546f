"""Operator commands: `flask --app wsgi <command>`."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from service.domain.errors import RuleViolation
from service.extensions import db
from service.identity.accounts import create_account, new_account
from service.models.accounts import ROLES, Admin
from service.models.orgs import ORG_KINDS, Org
from service.web.errors import ApiError

org_cli = AppGroup("org", help="Union organisations.")
admin_cli = AppGroup("admin", help="Staff accounts.")
pii_cli = AppGroup("pii", help="Personal data at rest: key rotation.")
deadlines_cli = AppGroup("deadlines", help="Due dates of applications, transfers, withdrawals.")


def find_org(code: str) -> Org:
    org = db.session.scalar(select(Org).where(Org.code == code))
    if org is None:
        raise click.ClickException(f"no org with code {code}")
    return org


@org_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(ORG_KINDS))
@click.option("--parent", "parent_code", help="code of the parent org; none for the root")
@click.option("--district", "district_code")
@click.option("--auto-approve", is_flag=True)
def create_org_command(code, name, kind, parent_code, district_code, auto_approve):
    """Create an org (the root when no --parent is given)."""
    from service.identity.orgs import create_org

    parent = find_org(parent_code) if parent_code else None
    if parent is None and db.session.scalar(select(Org.id).where(Org.parent_id.is_(None))):
        raise click.ClickException("a root org exists already; name its code with --parent")
    try:
        org = create_org({"code": code, "name": name, "kind": kind,
                          "district_code": district_code, "auto_approve": auto_approve}, parent)
    except (RuleViolation, ApiError) as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"org {org.code} created (id {org.id})")


@admin_cli.command("create")
@click.option("--username", required=True)
@click.option("--org", "org_code", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def create_admin_command(username, org_code, roles, password_stdin):
    """Create a staff account; prints a generated one-time password unless one is piped in."""
    org = find_org(org_code)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        _, initial = create_account(None, username, org, roles, password=password)
    except (RuleViolation, ApiError) as exc:  # the same rules as the staff-account API
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"admin {username} created in {org.code} with roles {', '.join(roles)}")
    if initial is not None:
        click.echo("the password must be changed at the first sign-in")
        click.echo(f"password: {initial}")


def create_admin(username: str, org: Org, roles, password: str) -> Admin:
    """A staff account for seed data and tests (no strength rule, no forced change)."""
    return new_account(username, org, roles, password)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo data set (idempotent) and print the demo accounts."""
    from service.demo import seed

    if current_app.config["SERVICE_ENV"] == "production":
        raise click.ClickException("seed-demo 在生产环境中被拒绝：演示数据带有公开的管理员密码")
    for line in seed():
        click.echo(line)
    db.session.commit()


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="deliver what is due now, then exit")
@click.option("--idle-seconds", default=2.0, show_default=True,
              help="pause between polls when nothing is due")
def worker_command(once, idle_seconds):
    """Deliver queued notifications as WeChat subscribe messages."""
    from service.notifications.delivery import run_worker

    total = run_worker(once=once, idle_seconds=idle_seconds, report=click.echo)
    if once:
        click.echo(f"delivered: sent={total['sent']} not_subscribed={total['not_subscribed']} "
                   f"retry={total['retry']} failed={total['failed']}")


@click.command("check-config")
def check_config_command():
    """Check the configuration in the environment: every problem at once, exit 1 if any.

    A plugin command (setup.cfg), so it runs even when the app itself refuses to start."""
    from service.config import read_config

    config, problems = read_config(thorough=True)
    if problems:
        click.echo(f"配置有 {len(problems)} 项问题，服务不会启动:")
        for problem in problems:
            click.echo(f"  - {problem}")
        raise SystemExit(1)
    click.echo(f"配置检查通过 (SERVICE_ENV={config['SERVICE_ENV']})")


def _walk(step, label: str, batch_size: int, max_batches: int | None) -> None:
    from service.config import ConfigError
    from service.core.rotation import Run

    try:
        run = step(Run(batch_size=batch_size, max_batches=max_batches))
    except ConfigError as exc:  # a value under a key no longer configured
        raise click.ClickException(str(exc)) from exc
    for table, (changed, unchanged) in run.counts.items():
        click.echo(f"{table}: {changed} {label}, {unchanged} already current")
    if run.stopped:
        click.echo(f"stopped after {run.batches} batches: run the command again to finish")
    else:
        click.echo("done")


def _batch_options(command):
    command = click.option("--max-batches", type=click.IntRange(min=1),
                           help="stop after this many batches (run again to go on)")(command)
    return click.option("--batch-size", default=500, show_default=True,
                        type=click.IntRange(min=1), help="rows per transaction")(command)


@pii_cli.command("rotate")
@_batch_options
def rotate_command(batch_size, max_batches):
    """Re-encrypt every personal value under the newest (first) DATA_KEY; safe to rerun."""
    from service.core.rotation import rotate

    _walk(rotate, "re-encrypted", batch_size, max_batches)


@pii_cli.command("reindex")
@_batch_options
def reindex_command(batch_size, max_batches):
    """Rebuild every blind index under the newest (first) BLIND_INDEX_KEY; safe to rerun."""
    from service.core.rotation import reindex

    _walk(reindex, "re-indexed", batch_size, max_batches)


@deadlines_cli.command("remind")
def remind_command():
    """Daily: release transfers past their due date, remind reviewers of items due within 2
    working days, escalate overdue ones to the parent org; each reminder once."""
    from service.joining.deadlines import remind

    counts = remind()
    click.echo(f"released={counts['released']} due_soon={counts['due_soon']} "
               f"escalated={counts['escalated']}")


retention_cli = AppGroup("retention", help="Personal data past its retention period.")


@retention_cli.command("purge")
def retention_purge_command():
    """Purge personal data past RETENTION_DAYS (daily; running it again purges nothing more)."""
    from service.joining.retention import purge_expired

    counts = purge_expired()
    db.session.commit()
    click.echo(" ".join(f"{name}={count}" for name, count in counts.items()))


stats_cli = AppGroup("stats", help="The staff figures kept as counts.")


@stats_cli.command("rebuild")
def stats_rebuild_command():
    """Count every membership, application and station into the figures again (after a
    bulk load)."""
    from service.joining.figures import rebuild
    from service.stations import counts

    click.echo(f"figure rows={rebuild()} station count rows={counts.rebuild()}")


@stats_cli.command("fold")
def stats_fold_command():
    """Fold the recorded changes into the figures now (the worker does it once a minute)."""
    from service.joining.figures import fold_if_due
    from service.stations import counts

    click.echo(f"changes folded={fold_if_due(force=True)} "
               f"station changes folded={counts.fold_if_due(force=True)}")


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
    for command in (org_cli, admin_cli, pii_cli, deadlines_cli, retention_cli, stats_cli,
                    seed_demo_command, worker_command):
        app.cli.add_command(command)
