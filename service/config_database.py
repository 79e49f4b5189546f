"""The database settings as SQLAlchemy takes them: one URL form for the MySQL family, and
the read replica's bind."""


def bind_replica(config: dict) -> list[str]:
    """DATABASE_REPLICA_URL as the `replica` bind, with the primary's engine options; the
    problem with it, if any."""
    url = config.get("DATABASE_REPLICA_URL")
    if not url:
        return []
    url = database_uri(url)
    if url.split(":", 1)[0] != config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]:
        return ["DATABASE_REPLICA_URL must be a replica of DATABASE_URL "
                "(the same kind of database)"]
    from service.core.database import REPLICA

    binds = dict(config.get("SQLALCHEMY_BINDS") or {})
    binds[REPLICA] = {"url": url, **config["SQLALCHEMY_ENGINE_OPTIONS"]}
    config["SQLALCHEMY_BINDS"] = binds
    return []


def database_uri(url: str) -> str:
    """MySQL-family URLs in one form, with utf8mb4 (names and addresses are Chinese).

    `mariadb+pymysql://` is read as `mysql+pymysql://`: the same driver and server, and every
    MySQL setting here, column type and plan hint is keyed on the mysql dialect's name.
    """
    if url.startswith("mariadb"):
        url = "mysql" + url.removeprefix("mariadb")
    if url.startswith("mysql") and "charset=" not in url:
        url += ("&" if "?" in url else "?") + "charset=utf8mb4"
    return url
