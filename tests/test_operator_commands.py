"""The operator commands of deploy/README.md, run exactly as written there: through
deploy/flask.sh, with the settings file loaded."""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.servers import ROOT

pytestmark = pytest.mark.slow


def _service_user() -> str:
    """The user running the tests plays the service user. (As root, deploy/flask.sh would
    switch to `union`; this machine's interpreter sits under a 0700 /root, which no other
    user can run, so the switch itself is not exercised here.)"""
    return pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture
def shared_tmp():
    """A folder the service user can reach (pytest's own sits in a 0700 parent)."""
    path = Path(tempfile.mkdtemp(prefix="union-ops-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path)


def test_readme_operator_commands_run_as_the_service_user(shared_tmp):
    tmp_path = shared_tmp
    user = _service_user()
    entry = pwd.getpwnam(user)
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, entry.pw_uid, entry.pw_gid)
    database = data / "union.db"
    env_file = tmp_path / "env"
    env_file.write_text(f"SERVICE_ENV=development\nDATABASE_URL=sqlite:///{database}\n"
                        f"UPLOAD_DIR={data / 'uploads'}\n")
    os.chown(env_file, entry.pw_uid, entry.pw_gid)
    os.chmod(env_file, 0o640)
    env = {"PATH": os.environ["PATH"], "UNION_ENV_FILE": str(env_file), "UNION_USER": user}

    def flask(*args, stdin=None):
        result = subprocess.run(["bash", "deploy/flask.sh", *args], cwd=ROOT, env=env,
                                input=stdin, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    flask("db", "upgrade")
    flask("org", "create", "--code", "ZZ", "--name", "郑州市总工会", "--kind", "city_federation",
          "--district", "410100")
    printed = flask("admin", "create", "--username", "root", "--org", "ZZ", "--role", "org_admin")
    assert "root" in printed

    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT code FROM orgs")).scalars().all() == ["ZZ"]
        assert conn.execute(sa.text("SELECT username FROM admins")).scalars().all() == ["root"]
    engine.dispose()


def test_flask_sh_says_when_the_settings_file_is_unreadable(tmp_path):
    env = {"PATH": os.environ["PATH"], "UNION_ENV_FILE": str(tmp_path / "missing"),
           "UNION_USER": _service_user()}
    result = subprocess.run(["bash", "deploy/flask.sh", "db", "upgrade"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "is not readable" in result.stderr
