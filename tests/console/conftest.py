import subprocess

import pytest

from tests.servers import ROOT

AXE = ROOT / "tests" / "axe"


@pytest.fixture(autouse=True)
def _demo_tree(demo_orgs):
    """Every console test runs on the demo org tree and its staff accounts."""


@pytest.fixture
def demo_data(app, wechat_fake):
    """The whole demo data set (applications, members, stations, refunds), as seed-demo."""
    from service.demo import seed
    from service.extensions import db

    with app.app_context():
        seed()
        db.session.commit()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core as pinned in tests/axe/package.json (installed by npm ci when missing)."""
    script = AXE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                                cwd=AXE, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    return script.read_text()
