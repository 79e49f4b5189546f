"""A replica as the suite plays it: a second database that holds the primary's rows as of
the last `catch_up` (what replication would do), on SQLite and MariaDB alike."""

import shutil

import sqlalchemy as sa

from service.extensions import db
from tests.helpers import ON_MYSQL


def replica_url(primary: str) -> str:
    if not ON_MYSQL:
        return primary.replace(".db", "-replica.db")
    url = sa.engine.make_url(primary)
    return url.set(database=url.database + "_replica").render_as_string(hide_password=False)


def catch_up(primary: str, replica: str) -> None:
    """What replication would do: make the replica's rows the primary's."""
    if not ON_MYSQL:
        shutil.copy(primary.removeprefix("sqlite:///"), replica.removeprefix("sqlite:///"))
        return
    source, target = sa.engine.make_url(primary).database, sa.engine.make_url(replica).database
    engine = sa.create_engine(primary)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{target}`"))
        conn.execute(sa.text(f"CREATE DATABASE `{target}`"))
        for table in db.metadata.sorted_tables:  # our own names
            name = table.name
            conn.execute(sa.text(f"CREATE TABLE IF NOT EXISTS `{target}`.`{name}` "
                                 f"LIKE `{source}`.`{name}`"))
            # Generated columns are the replica's own to compute: copy the others.
            columns = ", ".join(f"`{column.name}`" for column in table.columns
                                if column.computed is None)
            conn.execute(sa.text(f"INSERT INTO `{target}`.`{name}` ({columns}) "  # noqa: S608
                                 f"SELECT {columns} FROM `{source}`.`{name}`"))
    engine.dispose()
