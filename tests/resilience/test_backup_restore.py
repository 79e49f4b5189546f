"""deploy/backup.sh and deploy/restore.sh on a real MariaDB: fill, back up, wipe, restore,
and every row, every attachment and every encrypted value comes back."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from service import create_app
from service.demo import seed
from service.extensions import db
from service.models.members import JoinApplication
from service.models.refund_applications import RefundAttachment
from tests.servers import ROOT

pytestmark = pytest.mark.slow


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        counts = {t: conn.execute(sa.select(sa.func.count()).select_from(sa.table(t)))
                  .scalar_one() for t in tables}
    engine.dispose()
    return counts


def _script(name: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "deploy" / name), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_backup_then_restore_brings_back_every_row_file_and_secret(own_mariadb, tmp_path,
                                                                 wechat_fake):
    url, _halt, _serve = own_mariadb
    uploads = tmp_path / "uploads"
    app = create_app({"SERVICE_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_DIR": str(uploads), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "WECHAT_API_BASE": wechat_fake.base_url})
    with app.app_context():
        upgrade()
        seed()
        db.session.commit()
        people = {a.id: (a.id_number, a.phone) for a in db.session.scalars(
            select(JoinApplication))}
        files = {a.storage_name: a.sha256 for a in db.session.scalars(select(RefundAttachment))}
        db.engine.dispose()
    before = _counts(url)
    assert before["join_applications"] >= 300 and files, "the demo filled the database"

    env = {"PATH": os.environ["PATH"], "DATABASE_URL": url, "UPLOAD_DIR": str(uploads),
           "KEEP": "2"}
    backups = tmp_path / "backups"
    for _ in range(3):
        made = _script("backup.sh", str(backups), env=env)
        assert made.returncode == 0, made.stderr
    kept = sorted(backups.glob("union-*Z"))
    assert len(kept) == 2 and "removed old backup" in made.stdout
    latest = Path(made.stdout.split("backup written: ")[1].split()[0])
    assert latest in kept and (latest / "SHA256SUMS").exists()

    # The disaster: the database dropped, the uploads gone.
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP DATABASE union_test"))
        conn.execute(sa.text("CREATE DATABASE union_test"))
    engine.dispose()
    shutil.rmtree(uploads)
    assert _counts(url) == {}

    refused = _script("restore.sh", str(latest), env=env)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    restored = _script("restore.sh", str(latest), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr

    assert _counts(url) == before
    for name, digest in files.items():
        stored = next(uploads.rglob(name))
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    with app.app_context():
        back = {a.id: (a.id_number, a.phone) for a in db.session.scalars(
            select(JoinApplication))}
        db.engine.dispose()
    assert back == people


def test_restore_refuses_a_damaged_backup(own_mariadb, tmp_path):
    url, _halt, _serve = own_mariadb
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": url, "UPLOAD_DIR": str(tmp_path / "u")}
    made = _script("backup.sh", str(tmp_path / "b"), env=env)
    assert made.returncode == 0, made.stderr
    backup = next((tmp_path / "b").glob("union-*Z"))
    with (backup / "database.sql.gz").open("ab") as damaged:
        damaged.write(b"garbage")
    refused = _script("restore.sh", str(backup), "--yes", env=env)
    assert refused.returncode == 1 and "checksums do not match" in refused.stderr
