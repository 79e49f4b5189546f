"""The drill's parts on loopback: Redis, nginx with the shipped site, notification workers."""

import datetime
import getpass
import ipaddress
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import redis
import requests

from tests.servers import ROOT, free_port

SITE = ROOT / "deploy" / "nginx-union.conf"


def start_redis():
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0", process


def start_worker(env: dict, log: Path):
    """`flask worker`: the notification outbox sender, as union-worker.service runs it."""
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT,
                                env={**os.environ, **env, "FLASK_APP": "wsgi"},
                                stdout=out, stderr=subprocess.STDOUT)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for api.example.org and 127.0.0.1 (clients trust it as their CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName("api.example.org"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def site_for(upstream_ports: list[int], https_port: int, http_port: int, cert: Path,
             key: Path, access_log: Path) -> str:
    """The shipped site with only ports, certificate paths and the log path changed."""
    site = SITE.read_text()
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+( [^;]*)?;$", site, re.MULTILINE)
    assert len(servers) == len(upstream_ports), "one upstream line per instance"
    lines = iter(upstream_ports)
    site = re.sub(r"(?m)^(\s*server) 127\.0\.0\.1:\d+", lambda m: f"{m[1]} 127.0.0.1:{next(lines)}",
                  site)
    for old, new in (("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("/etc/ssl/union/fullchain.pem", str(cert)),
                     ("/etc/ssl/union/privkey.pem", str(key)),
                     ("/var/log/nginx/union.access.log", str(access_log))):
        assert old in site, old
        site = site.replace(old, new)
    return site


class Nginx:
    """Debian's nginx with a prefix, pid and error log of its own, serving the shipped site."""

    def __init__(self, directory: Path, upstream_ports: list[int]):
        self.directory = directory
        self.cert, key = self_signed(directory)
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        (directory / "union.conf").write_text(site_for(
            upstream_ports, self.port, free_port(), self.cert, key, directory / "access.log"))
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        (directory / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    include {directory}/union.conf;
}}
""")
        self.process = subprocess.Popen(
            ["nginx", "-p", str(directory), "-c", str(directory / "nginx.conf"),
             "-e", str(directory / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(self.url + "/healthz", verify=self.cert, timeout=2)
                break
            except requests.ConnectionError:
                assert self.process.poll() is None, (directory / "error.log").read_text()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)
