"""The configuration fails closed: unknown environments, guessable secrets, published keys,
dev WeChat settings and a WeChat address that is not a public host all stop the process."""

import base64
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from service import config_rules, create_app
from service.commands import check_config_command
from service.config import DEFAULT_DATA_KEY, DEFAULT_SECRET_KEY, ConfigError, load_config
from tests.servers import ROOT

# What the stand-in resolver answers (no test asks a real DNS server).
ADDRESSES = {"api.weixin.qq.com": ["101.91.22.57"], "wechat.internal": ["192.168.10.5"],
             "wx.example-mirror.cn": ["101.91.22.58", "::1"]}


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    def resolve(host):
        if host not in ADDRESSES:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return ADDRESSES[host]
    monkeypatch.setattr(config_rules, "resolve", resolve)


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def production(**changes) -> dict:
    """A complete, safe production environment, with `changes` applied (None: unset)."""
    environ = {"SERVICE_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
               "DATA_KEY": f"{new_key()},{new_key()}", "BLIND_INDEX_KEY": new_key(),
               "DATABASE_URL": "mysql+pymysql://union:pw@127.0.0.1/union",
               "WECHAT_APPID": "wx5f3a9c0d1e2b4a67", "WECHAT_SECRET": secrets.token_hex(16),
               "WECHAT_API_BASE": "https://api.weixin.qq.com",
               "WECHAT_TPL_JOIN_RESULT": "Qx8aP1-join", "WECHAT_TPL_REFUND_RESULT": "Zt4b-refund"}
    environ.update(changes)
    return {name: value for name, value in environ.items() if value is not None}


def problems(environ) -> list[str]:
    with pytest.raises(ConfigError) as error:
        load_config(environ=environ)
    return error.value.problems


def refused(environ, name: str) -> None:
    found = problems(environ)
    assert any(p.startswith(name) for p in found), found


def test_a_complete_production_environment_starts():
    config = load_config(environ=production())
    assert config["SERVICE_ENV"] == "production" and not config["TESTING"]


@pytest.mark.parametrize("value", [None, "", "Production", "prod", "PRODUCTION", "dev", "test"])
def test_service_env_must_be_named_exactly(value):
    refused(production(SERVICE_ENV=value), "SERVICE_ENV")
    refused({"SERVICE_ENV": value} if value is not None else {}, "SERVICE_ENV")


def test_an_unknown_environment_never_runs_with_the_published_defaults():
    found = problems({"SERVICE_ENV": "Production"})
    for name in ("SERVICE_ENV", "SECRET_KEY", "DATA_KEY", "BLIND_INDEX_KEY", "WECHAT_APPID"):
        assert any(p.startswith(name) for p in found), (name, found)


def test_create_app_refuses_without_service_env(monkeypatch):
    monkeypatch.delenv("SERVICE_ENV", raising=False)
    with pytest.raises(ConfigError, match="SERVICE_ENV"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("env", ["development", "testing"])
def test_development_and_testing_keep_their_defaults(env):
    config = load_config(environ={"SERVICE_ENV": env})
    assert config["SECRET_KEY"] == DEFAULT_SECRET_KEY and config["DATA_KEY"] == DEFAULT_DATA_KEY


@pytest.mark.parametrize("secret", [
    None, "a", "a" * 40, DEFAULT_SECRET_KEY, "bench-secret-key", "abcd1234" * 6,
    "0123456789" * 4, "correct horse battery staple!"])
def test_production_secret_key_is_long_and_random(secret):
    refused(production(SECRET_KEY=secret), "SECRET_KEY")


@pytest.mark.parametrize("keys", [
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",       # all zero, no padding
    DEFAULT_DATA_KEY,
    "{good},AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # a zero key placed last
    "{good},{short}", "{good},not base64 at all!", "{good},{periodic}", "{good},{bench}",
])
def test_every_production_data_key_is_32_random_unpublished_bytes(keys):
    bench = base64.urlsafe_b64encode(config_rules._published_key("bench data key")).decode()
    value = keys.format(good=new_key(), short=base64.urlsafe_b64encode(os.urandom(16)).decode(),
                        periodic=base64.urlsafe_b64encode(b"\x12\x34\x56\x78" * 8).decode(),
                        bench=bench)
    refused(production(DATA_KEY=value), "DATA_KEY")


def test_a_malformed_key_stops_every_environment():
    refused({"SERVICE_ENV": "development", "DATA_KEY": "abc"}, "DATA_KEY")


@pytest.mark.parametrize("value", [None, DEFAULT_DATA_KEY, "A" * 43, "{data}",
                                   "{good},AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="])
def test_production_needs_a_blind_index_key_of_its_own(value):
    data = new_key()
    blind = value if value is None else value.format(data=data, good=new_key())
    refused(production(DATA_KEY=data, BLIND_INDEX_KEY=blind), "BLIND_INDEX_KEY")


@pytest.mark.parametrize("name,value", [
    ("WECHAT_APPID", None), ("WECHAT_APPID", "wx-dev-appid"), ("WECHAT_SECRET", "dev-secret"),
    ("WECHAT_SECRET", ""), ("WECHAT_TPL_JOIN_RESULT", ""),
    ("WECHAT_TPL_JOIN_RESULT", "tpl-join-result"), ("WECHAT_TPL_REFUND_RESULT", None),
    ("WECHAT_TPL_REFUND_RESULT", "tpl-refund-result")])
def test_production_wechat_credentials_and_templates_are_real(name, value):
    refused(production(**{name: value}), name)


@pytest.mark.parametrize("base", [
    "http://api.weixin.qq.com", "http://127.1", "https://127.1", "https://[::1]",
    "https://0.0.0.0", "https://2130706433", "https://LOCALHOST", "https://localhost.:8443",
    "https://0x7f000001", "https://0177.0.0.1", "https://10.0.0.8", "https://172.16.3.4",
    "https://192.168.1.1", "https://169.254.169.254", "https://[fe80::1]",
    "https://[::ffff:127.0.0.1]", "https://[::]", "https://100.64.0.1",
    "https://wechat.internal", "https://wx.example-mirror.cn", "https:///path", "ftp://x"])
def test_production_wechat_api_base_is_a_public_https_host(base):
    refused(production(WECHAT_API_BASE=base), "WECHAT_API_BASE")


def test_an_unresolvable_wechat_host_does_not_stop_start_up_but_check_config_reports_it():
    environ = production(WECHAT_API_BASE="https://api.weixin.nowhere")
    assert load_config(environ=environ)["WECHAT_API_BASE"] == "https://api.weixin.nowhere"
    result = CliRunner().invoke(check_config_command, env=environ)
    assert result.exit_code == 1 and "WECHAT_API_BASE" in result.output
    assert "无法解析" in result.output


@pytest.mark.parametrize("name", ["RATELIMIT_ENABLED", "STATION_INDEX_WARM"])
@pytest.mark.parametrize("value", ["enabled", "ture", "2", "disable"])
def test_an_unrecognised_switch_value_is_refused_by_name(name, value):
    refused({"SERVICE_ENV": "development", name: value}, name)


@pytest.mark.parametrize("value,expected", [("yes", True), ("TRUE", True), ("1", True),
                                            ("on", True), ("0", False), ("false", False)])
def test_switches_read_the_usual_spellings(value, expected):
    config = load_config(environ={"SERVICE_ENV": "development", "RATELIMIT_ENABLED": value})
    assert config["RATELIMIT_ENABLED"] is expected


def test_numbers_and_log_level_are_checked_by_name():
    found = problems({"SERVICE_ENV": "development", "WECHAT_TIMEOUT": "ten",
                      "TOKEN_TTL_SECONDS": "7d", "LOG_LEVEL": "LOUD"})
    for name in ("WECHAT_TIMEOUT", "TOKEN_TTL_SECONDS", "LOG_LEVEL"):
        assert any(p.startswith(name) for p in found), (name, found)


def test_check_config_names_a_variable_that_nearly_spells_a_setting():
    environ = {"SERVICE_ENV": "development", "RATELIMIT_ENABLE": "0", "REDIS_URI": "redis://x"}
    result = CliRunner().invoke(check_config_command, env=environ)
    assert result.exit_code == 1, result.output
    assert "RATELIMIT_ENABLE 不是本服务的设置" in result.output
    assert "是否想写 RATELIMIT_ENABLED" in result.output
    assert "是否想写 REDIS_URL" in result.output


def env_example() -> dict:
    environ = {}
    for line in (ROOT / "deploy/env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            environ[name.strip()] = value.strip()
    return environ


def test_check_config_lists_what_env_example_leaves_to_fill_in():
    environ = env_example()
    assert environ["SERVICE_ENV"] == "production"
    result = CliRunner().invoke(check_config_command, env=environ)
    assert result.exit_code == 1, result.output
    listed = [line.removeprefix("  - ").split()[0] for line in result.output.splitlines()
              if line.startswith("  - ")]
    assert sorted(listed) == sorted(["SECRET_KEY", "DATA_KEY", "BLIND_INDEX_KEY", "WECHAT_APPID",
                                     "WECHAT_SECRET", "WECHAT_TPL_JOIN_RESULT",
                                     "WECHAT_TPL_REFUND_RESULT"]), result.output


def test_check_config_passes_a_good_environment():
    result = CliRunner().invoke(check_config_command, env=production())
    assert result.exit_code == 0, result.output
    assert "配置检查通过" in result.output


def run(command: list[str], environ: dict, timeout=60) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environ}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


BIN = Path(sys.executable).parent
# Literal addresses only: no DNS look-up from a subprocess.
LOCAL_BASE = {"WECHAT_API_BASE": "https://127.0.0.1"}


@pytest.mark.slow
def test_flask_cli_explains_the_refusal_without_a_traceback():
    result = run([str(BIN / "flask"), "--app", "wsgi", "db", "current"], LOCAL_BASE)
    assert result.returncode != 0
    assert "SERVICE_ENV" in result.stderr and "Traceback" not in result.stderr, result.stderr
    check = run([str(BIN / "flask"), "--app", "wsgi", "check-config"],
                {**LOCAL_BASE, "SERVICE_ENV": "prod"})
    assert check.returncode == 1 and "Traceback" not in check.stderr + check.stdout
    assert "SERVICE_ENV 'prod'" in check.stdout and "WECHAT_API_BASE" in check.stdout


@pytest.mark.slow
@pytest.mark.parametrize("config_file", [["-c", "deploy/gunicorn.conf.py"], []])
def test_gunicorn_explains_the_refusal_and_stops(config_file, tmp_path):
    environ = {**LOCAL_BASE, "SERVICE_ENV": "Production", "GUNICORN_WORKERS": "1",
               "GUNICORN_BIND": "127.0.0.1:0"}
    result = run([sys.executable, "-m", "gunicorn", *config_file, "--bind", "127.0.0.1:0",
                  "wsgi:app"], environ)
    assert result.returncode != 0
    assert "SERVICE_ENV 'Production'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def test_seed_demo_refuses_in_production(database_url, tmp_path, monkeypatch):
    environ = production(DATABASE_URL=database_url, UPLOAD_DIR=str(tmp_path),
                         STATION_INDEX_WARM="0")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    app = create_app({"REDIS_URL": None})
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "生产环境" in result.output
    from service.extensions import db
    from service.models.accounts import Admin
    with app.app_context():
        assert db.session.query(Admin).count() == 0
