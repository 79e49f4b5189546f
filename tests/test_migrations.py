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


def _checks_made(function, functions, values) -> list[tuple[str, str]]:
    """(name, SQL) of the CHECK constraints `function` creates, in source order, following
    calls to the migration's own helpers (`values`: what each name stands for)."""

    def text_of(node):
        if isinstance(node, ast.Call):  # op.f("ck_...")
            node = node.args[0]
        return values[node.id] if isinstance(node, ast.Name) else node.value

    made = []
    calls = sorted((node for node in ast.walk(function) if isinstance(node, ast.Call)),
                   key=lambda call: (call.lineno, call.col_offset))
    for call in calls:
        name = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
        if name == "CheckConstraint":  # (text, name=op.f("ck_..."))
            label = next(kw.value for kw in call.keywords if kw.arg == "name")
            made.append((text_of(label), text_of(call.args[0])))
        elif name == "create_check_constraint":  # batch_op.create_check_constraint(name, text)
            made.append((text_of(call.args[0]), text_of(call.args[1])))
        elif name in functions:
            helper = functions[name]
            pairs = zip(helper.args.args, call.args, strict=False)  # defaults stay unbound
            bound = {param.arg: text_of(arg) for param, arg in pairs}
            made += _checks_made(helper, functions, {**values, **bound})
    return made


def _migration_checks() -> dict[str, str]:
    """name -> SQL of every CHECK constraint the migrations' upgrades create, read from
    their source (a later migration's constraint of the same name wins)."""
    found = {}
    versions = Path(service.__file__).parent / "migrations" / "versions"
    for path in sorted(versions.glob("*.py")):
        module = ast.parse(path.read_text())
        constants = {target.id: node.value.value for node in module.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     for target in node.targets if isinstance(target, ast.Name)}
        functions = {node.name: node for node in module.body
                     if isinstance(node, ast.FunctionDef)}
        found.update(_checks_made(functions["upgrade"], functions, constants))
    return found


def test_model_checks_are_the_text_the_migrations_created():
    """Checks built from a vocabulary (core.database.one_of) must stay the frozen text."""
    created = _migration_checks()
    checks = {str(constraint.name): str(constraint.sqltext)
              for table in db.metadata.tables.values() for constraint in table.constraints
              if isinstance(constraint, sa.CheckConstraint)}
    assert "ck_orgs_kind" in checks and "ck_station_feedback_moderation" in checks
    assert checks == {name: created[name] for name in checks}
