"""`manage.py serve` end to end: the embedded default serves the demo and leaves nothing behind."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
START_SECONDS = 30
STOP_SECONDS = 15
# Variables that would move serve off its embedded default (or change the mode).
NOT_EMBEDDED = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT", "SECRET_KEY")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_EMBEDDED}
    env.update(DEBUG="1", BRANDKIT_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    return env


def processes_mentioning(marker: str) -> list[str]:
    """Live processes whose command line or environment contains `marker` (e.g. the var dir):
    the embedded redis-server names its socket, rqworker inherits BRANDKIT_VAR_DIR."""
    found = []
    needle = marker.encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if ") Z " in (proc / "stat").read_text():
                continue  # a zombie is already dead, only not yet reaped by init
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if needle in cmdline or needle in environ:
            command = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{proc.name}: {command}")
    return found


def wait_for_no_processes(marker: str, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := processes_mentioning(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def wait_until_answering(
    opener: urllib.request.OpenerDirector, url: str, server: subprocess.Popen[bytes], log: Path
) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"serve did not answer {url} within {START_SECONDS}s:\n{log.read_text()}")


@pytest.fixture
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Short: the embedded Redis socket lives here and Unix socket paths are limited to 107 bytes.
    return tmp_path_factory.mktemp("serve")


def test_serve_runs_the_demo_with_embedded_redis_and_workers_and_stops_them_all(
    var_dir: Path,
) -> None:
    base_url = f"http://127.0.0.1:{free_port()}"
    log = var_dir / "serve.log"
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    )
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve",
                base_url.removeprefix("http://"),
                "--workers",
                "1",
            ],
            cwd=BASE_DIR,
            env=embedded_env(var_dir),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        login_page = wait_until_answering(opener, f"{base_url}/accounts/login/", server, log)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
        assert token, login_page
        body = urllib.parse.urlencode(
            {
                "username": "demo-admin",
                "password": "demo-admin-pass",
                "csrfmiddlewaretoken": token[1],
            }
        ).encode()
        with opener.open(f"{base_url}/accounts/login/", data=body, timeout=10) as response:
            assert response.status == 200
            assert response.url == f"{base_url}/"
            assert "Northwind Coffee" in response.read().decode()

        # Production-like by default: the app's own 404, no URL list or settings; static files
        # served from the collected folder; a secret key made for this installation.
        with pytest.raises(urllib.error.HTTPError) as missing:
            opener.open(f"{base_url}/no-such-page/", timeout=10)
        not_found = missing.value.read().decode()
        assert missing.value.code == 404
        assert "Page not found" in not_found and "URLconf" not in not_found
        with opener.open(f"{base_url}/static/js/campaign.js", timeout=10) as script:
            assert script.status == 200
        assert len((var_dir / "secret_key").read_text().strip()) >= 50

        children = processes_mentioning(str(var_dir))
        assert any("redis-server" in child for child in children), children
        assert any("rqworker" in child for child in children), children
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
    assert wait_for_no_processes(str(var_dir), STOP_SECONDS) == []
    assert (var_dir / "db.sqlite3").is_file()


def test_serve_on_a_busy_port_fails_clearly_and_starts_nothing(var_dir: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        address = f"127.0.0.1:{busy.getsockname()[1]}"
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", address, "--workers", "1"],
            cwd=BASE_DIR,
            env=embedded_env(var_dir),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            start_new_session=True,
        )
    assert result.returncode == 1
    assert f"Cannot listen on {address}: Address already in use." in result.stderr
    assert processes_mentioning(str(var_dir)) == []
    assert not (var_dir / "redis.sock").exists()
