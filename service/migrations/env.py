"""Alembic environment: the app's engine and metadata, utf8mb4 on MySQL."""

from alembic import context
from flask import current_app
from sqlalchemy import text

config = context.config


def target_metadata():
    return current_app.extensions["migrate"].db.metadata


def run_migrations_online():
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        if connection.dialect.name == "mysql":
            # Tables take the database default: make it utf8mb4, names are Chinese.
            connection.execute(text(
                "ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata(),
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `flask db upgrade`")
run_migrations_online()
