"""deploy/ holds only what the suite checks: the systemd units pass `systemd-analyze
verify`, and the nginx example passes `nginx -t` and carries a real request over TLS to
gunicorn, with the forwarded headers the app trusts under BOSTOTTE_PROXY_FIX=1."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import urllib3
from flask import request

from bostotte import create_app
from bostotte.config import PROJECT_ROOT
from tests.ops.conftest import free_port

DEPLOY = PROJECT_ROOT / "deploy"


def _tool(name: str) -> str:
    path = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing: `make test` installs it")
        pytest.skip(f"{name} is not installed (`make test` installs it)")
    return path


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").glob("*.service")))
def test_the_systemd_units_verify(unit, tmp_path):
    """The unit as installed under /opt/bostotte, pointed at this checkout to verify."""
    env_file = tmp_path / "bostotte.env"
    env_file.write_text("SECRET_KEY=x\n")
    text = (DEPLOY / "systemd" / unit).read_text()
    text = text.replace("/opt/bostotte", str(PROJECT_ROOT)).replace(
        "/etc/bostotte/bostotte.env", str(env_file)
    )
    text = re.sub(r"^(User|Group)=bostotte$", r"\1=root", text, flags=re.M)
    (tmp_path / unit).write_text(text)
    done = subprocess.run(
        [_tool("systemd-analyze"), "verify", str(tmp_path / unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            _tool("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=bostotte.kommune.dk",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_nginx_carries_a_request_over_tls_to_gunicorn(tmp_path, gunicorn_server):
    nginx = _tool("nginx")
    upstream = gunicorn_server(PROXY_FIX=True).base.removeprefix("http://")
    cert, key = _certificate(tmp_path)
    http_port, tls_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "bostotte.conf").read_text()
    site = (
        site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
        .replace("server 127.0.0.1:8000;", f"server {upstream};")
        .replace("/etc/ssl/certs/bostotte.kommune.dk.pem", str(cert))
        .replace("/etc/ssl/private/bostotte.kommune.dk.key", str(key))
    )
    (tmp_path / "bostotte.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/bostotte.conf;
}}
""")
    checked = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    proxy = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    try:
        for _ in range(50):
            try:
                r = requests.get(
                    f"https://127.0.0.1:{tls_port}/readyz",
                    verify=False,
                    timeout=10,
                    headers={"Host": "bostotte.kommune.dk"},
                )
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"nginx did not answer: {(tmp_path / 'error.log').read_text()}")
        assert r.json()["checks"]["migrations"] == "ok"
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-Id"])  # nginx's id, kept
        assert r.headers["Strict-Transport-Security"] == "max-age=63072000"
        plain = requests.get(
            f"http://127.0.0.1:{http_port}/borgere",
            timeout=10,
            headers={"Host": "bostotte.kommune.dk"},
            allow_redirects=False,
        )
        assert plain.status_code == 301
        assert plain.headers["Location"] == "https://bostotte.kommune.dk/borgere"
    finally:
        proxy.terminate()
        proxy.communicate(timeout=30)


@pytest.mark.parametrize(
    ("trusted", "root"), [(True, "https://bostotte.kommune.dk/"), (False, "http://localhost/")]
)
def test_forwarded_headers_are_trusted_only_when_configured(app, trusted, root):
    proxied = create_app({**app.config, "BOSTOTTE_PROXY_FIX": trusted})
    proxied.add_url_rule("/_probe", "probe", lambda: request.url_root)
    answer = proxied.test_client().get(
        "/_probe",
        headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "bostotte.kommune.dk",
            "X-Forwarded-For": "10.0.0.7",
        },
    )
    assert answer.text == root
