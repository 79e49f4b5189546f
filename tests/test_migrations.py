"""The migrations make exactly the schema the models describe, on SQLite and MariaDB."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.extensions import db


def _mysql_foreign_key_index(diff) -> bool:
    # InnoDB adds an index for each foreign key that has none: not drift.
    kind, *rest = diff
    return kind == "remove_index" and rest[0].name.startswith("fk_")


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, db.metadata)
        dialect = connection.dialect.name
    if dialect == "mysql":
        diffs = [d for d in diffs if not (isinstance(d, tuple) and _mysql_foreign_key_index(d))]
    assert diffs == []


def test_every_table_is_utf8mb4_on_mysql(app):
    with app.app_context():
        if db.engine.dialect.name != "mysql":
            return
        rows = db.session.execute(db.text(
            "SELECT table_name, table_collation FROM information_schema.tables "
            "WHERE table_schema = DATABASE()")).all()
    assert rows and all(collation.startswith("utf8mb4") for _, collation in rows), rows
