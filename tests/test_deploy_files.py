"""The deploy files boot as deploy/README.md says: nginx accepts the site, systemd the units,
and every setting the docs name is one the code reads."""

import re
import subprocess
from pathlib import Path

from tests.servers import ROOT

DEPLOY = ROOT / "deploy"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for the test's nginx, made here (never committed)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_nginx_accepts_the_shipped_site(tmp_path):
    cert, key = _self_signed(tmp_path)
    site = (DEPLOY / "nginx-union.conf").read_text()
    site = site.replace("/etc/ssl/union/fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/union/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/union.access.log", str(tmp_path / "access.log"))
    (tmp_path / "union.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    include {tmp_path}/union.conf;
}}
""")
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_systemd_accepts_the_units(tmp_path):
    units = []
    for name in ("union-web.service", "union-worker.service"):
        text = (DEPLOY / name).read_text()
        # The units name the install paths of deploy/README.md; verify them against this
        # checkout's virtualenv instead of /srv/union.
        text = text.replace("/srv/union", str(ROOT))
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert "union-" not in result.stderr, result.stderr


def _names_read_by_the_code() -> set[str]:
    names = set()
    for path in list((ROOT / "service").rglob("*.py")) + [DEPLOY / "gunicorn.conf.py"]:
        text = path.read_text()
        names |= set(re.findall(r"""\bread\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        names |= set(re.findall(r"""environ(?:\.get)?\(?\[?\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        names |= set(re.findall(r"""getenv\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
    return names


def test_every_setting_the_docs_name_is_read_by_the_code():
    documented = set()
    for doc in [DEPLOY / "env.example", DEPLOY / "README.md", ROOT / "README.md"]:
        text = doc.read_text()
        if doc.name == "env.example":
            documented |= set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]{2,})=", text, re.M))
        else:
            documented |= set(re.findall(r"`([A-Z][A-Z0-9_]{3,})(?:=[^`]*)?`", text))
    # Variables of the shell scripts (demo, walkthrough, tests, backups), and the misspelling
    # deploy/README.md shows as what check-config catches.
    shell_only = {"HOST", "PORT", "FAKE_WECHAT_PORT", "API", "WECHAT", "TEST_DATABASE_URL",
                  "TEST_WORKERS", "FUZZ_EXAMPLES", "DEMO_PASSWORD", "UNION_ENV_FILE",
                  "UNION_USER", "KEEP", "RATELIMIT_ENABLE"}
    unknown = documented - _names_read_by_the_code() - shell_only
    assert not unknown, f"documented but read nowhere: {sorted(unknown)}"


def test_nginx_lets_go_of_idle_upstream_connections_before_gunicorn_does():
    """Else nginx may send a request down a connection gunicorn is closing: a 502, and for a
    POST not resent (seen in the drill's 2,000 sign-ups before the setting)."""
    site = (DEPLOY / "nginx-union.conf").read_text()
    upstream = re.search(r"upstream union_app \{(.*?)\}", site, re.S)[1]
    nginx_idle = int(re.search(r"keepalive_timeout (\d+)s;", upstream)[1])
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    gunicorn_idle = int(re.search(r"^keepalive = (\d+)$", gunicorn, re.M)[1])
    assert "keepalive 32;" in upstream and nginx_idle < gunicorn_idle
