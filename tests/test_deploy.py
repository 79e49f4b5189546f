"""The deploy configuration boots a real gunicorn that serves the app."""

import pytest
import requests

from tests.servers import Gunicorn

pytestmark = pytest.mark.slow


def test_gunicorn_with_deploy_config_is_ready(database_url):
    with Gunicorn({"DATABASE_URL": database_url, "SERVICE_ENV": "development"}) as server:
        response = requests.get(server.url + "/readyz", timeout=5)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
        missing = requests.get(server.url + "/nope", timeout=5)
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
