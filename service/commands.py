"""Operator commands: `flask --app wsgi <command>`."""

import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from service.extensions import db
from service.models.accounts import ROLES, Admin
from service.models.orgs import ORG_KINDS, Org

org_cli = AppGroup("org", help="Union organisations.")
admin_cli = AppGroup("admin", help="Staff accounts.")


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
    from service.api.identity.orgs import create_org

    parent = find_org(parent_code) if parent_code else None
    if parent is None and db.session.scalar(select(Org.id).where(Org.parent_id.is_(None))):
        raise click.ClickException("a root org exists already; name its code with --parent")
    org = create_org({"code": code, "name": name, "kind": kind,
                      "district_code": district_code, "auto_approve": auto_approve}, parent)
    db.session.commit()
    click.echo(f"org {org.code} created (id {org.id})")


@admin_cli.command("create")
@click.option("--username", required=True)
@click.option("--org", "org_code", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def create_admin_command(username, org_code, roles, password_stdin):
    """Create a staff account; prints a generated password unless one is piped in."""
    org = find_org(org_code)
    if db.session.scalar(select(Admin.id).where(Admin.username == username)):
        raise click.ClickException(f"username {username} is taken")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    create_admin(username, org, roles, password)
    db.session.commit()
    click.echo(f"admin {username} created in {org.code} with roles {', '.join(roles)}")
    if not password_stdin:
        click.echo(f"password: {password}")


def create_admin(username: str, org: Org, roles, password: str) -> Admin:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    admin = Admin(username=username, org=org,
                  password_hash=generate_password_hash(password, method=method))
    admin.roles = roles
    db.session.add(admin)
    return admin


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo data set (idempotent) and print the demo accounts."""
    from service.demo import seed

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


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
    for command in (org_cli, admin_cli, seed_demo_command, worker_command):
        app.cli.add_command(command)
