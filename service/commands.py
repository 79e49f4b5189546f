"""Operator commands: `flask --app wsgi <command>`."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
