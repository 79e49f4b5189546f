"""The migrations make exactly the schema the models describe, on SQLite and MariaDB."""

import ast
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import service
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


def _migration_checks() -> dict[str, str]:
    """name -> SQL of every CHECK constraint the migrations create, read from their source
    (the last one of a name wins)."""
    found = {}
    versions = Path(service.__file__).parent / "migrations" / "versions"
    for path in sorted(versions.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "")
                    in ("CheckConstraint", "create_check_constraint")):
                continue
            if node.func.attr == "CheckConstraint":  # (text, name=op.f("ck_..."))
                name, text = next(kw.value for kw in node.keywords if kw.arg == "name"), \
                    node.args[0]
            else:  # batch_op.create_check_constraint(name, text)
                name, text = node.args
            if isinstance(name, ast.Call):
                name = name.args[0]
            found[name.value] = text.value
    return found


def test_model_checks_are_the_text_the_migrations_created():
    """Checks built from a vocabulary (core.database.one_of) must stay the frozen text."""
    created = _migration_checks()
    checks = {str(constraint.name): str(constraint.sqltext)
              for table in db.metadata.tables.values() for constraint in table.constraints
              if isinstance(constraint, sa.CheckConstraint)}
    assert "ck_orgs_kind" in checks and "ck_station_feedback_moderation" in checks
    assert checks == {name: created[name] for name in checks}
