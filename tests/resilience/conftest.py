"""A MariaDB server of a test's own, which the test may stop, restart, wipe and restore."""

import subprocess

import pytest

from tests.servers import ROOT, free_port

MARIADB = ["bash", str(ROOT / "tests" / "mariadb.sh")]


@pytest.fixture
def own_mariadb(tmp_path):
    """(url, halt, serve): tests/mariadb.sh installs the server when it is absent."""
    data, port = tmp_path / "mariadb", str(free_port())
    url = subprocess.run([*MARIADB, "start", str(data), port], check=True,
                         capture_output=True, text=True).stdout.split()[-1]
    yield (url,
           lambda: subprocess.run([*MARIADB, "halt", str(data)], check=True),
           lambda: subprocess.run([*MARIADB, "serve", str(data), port], check=True))
    subprocess.run([*MARIADB, "stop", str(data)], check=False)
