"""The ground every feature stands on: health, docs, the one error shape."""

import json

from service.config import load_config

ERROR_KEYS = {"code", "status", "error", "message"}


def assert_error(response, status, error):
    assert response.status_code == status
    assert response.content_type.startswith("application/json")
    body = response.get_json()
    assert ERROR_KEYS <= set(body)
    assert body["code"] == status
    assert body["error"] == error
    assert body["message"] and not body["message"].isascii(), "message must be Chinese"
    return body


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_with_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.get_json()["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.data.lower()


def test_unknown_path_is_json_404(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.get("/no-such-page"), 404, "not_found")


def test_wrong_method_is_json_405(client):
    body = assert_error(client.delete("/healthz"), 405, "method_not_allowed")
    assert "不支持" in body["message"]


def test_oversized_body_is_json_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/v1/openapi.json", data=b"x" * 4096,
                           content_type="application/octet-stream")
    assert_error(response, 413, "payload_too_large")


def test_unhandled_exception_is_json_500_without_traceback(app, client, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals 13812345678")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom", headers={"X-Request-ID": "req-12345678"})
    body = assert_error(response, 500, "internal_error")
    assert "secret internals" not in json.dumps(body)
    assert response.headers["X-Request-ID"] == "req-12345678"
    logged = [r for r in caplog.records if r.name == "service.web.errors"]
    assert logged and logged[0].request_id == "req-12345678"


def test_every_response_carries_a_request_id(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) >= 8


def test_a_mariadb_url_gets_the_mysql_settings():
    config = load_config(environ={"SERVICE_ENV": "development",
                                  "DATABASE_URL": "mariadb+pymysql://u:p@db/union"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "mysql+pymysql://u:p@db/union?charset=utf8mb4"
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"] == 5


def test_default_database_is_sqlite_under_instance():
    config = load_config(environ={"SERVICE_ENV": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert "/instance/" in config["SQLALCHEMY_DATABASE_URI"]
