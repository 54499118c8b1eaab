"""The production server: nginx in front of gunicorn, started and stopped as one command.

    registry serve --production [--host 127.0.0.1] [--port 8000] [--db registry.db]
    python -m webmap.production [--bind 127.0.0.1:8000] [--db registry.db]

nginx, an event-driven server, holds every connection until its request has fully arrived and
only then hands it to gunicorn (over a unix socket in a private run folder); it reads answers
whole too, so a client that reads slowly holds no gunicorn thread either. Clients that trickle
their headers cost nginx a small buffer each and are cut off after CLIENT_TIMEOUT seconds; gunicorn
only ever sees whole requests, so its threads serve ordinary ones. Behind it gunicorn runs with
the shipped settings (webmap/gunicorn_conf.py: WEB_CONCURRENCY, REGISTRY_THREADS, REGISTRY_ACCESS_LOG).

The nginx configuration is written here (`nginx_config`), from the open-file limit this process
may raise itself to (`ulimit -Hn`, at most MAX_OPEN_FILES): every connection, a client's or one to
gunicorn, is a descriptor. Errors that nginx answers itself (a request line or a header over 8 KB,
a body over 1 MB, gunicorn not answering) are JSON like the app's. Nothing is written outside the
run folder, which is removed when the server stops (SIGTERM or Ctrl-C).
"""
from __future__ import annotations

import argparse
import json
import grp
import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from webmap.http import TOO_LONG_URI_MESSAGE

# Seconds a client may take to send its headers, and between two reads of a body.
CLIENT_TIMEOUT = 10
# The most descriptors asked for; far past what 1,000 slow clients need.
MAX_OPEN_FILES = 65536
# Longer than the slowest export (an Excel file of the whole registry) takes to start streaming.
UPSTREAM_TIMEOUT = 120
NGINX_MISSING = ("nginx is not installed; install it from your distribution "
                 "(Debian/Ubuntu: apt-get install nginx-light) or run gunicorn behind your own proxy")
# nginx's own errors, in the app's JSON: the client gets one kind of error body whichever server answered.
NGINX_ERRORS = {
    "uri_too_long": (414, {"message": TOO_LONG_URI_MESSAGE}),
    "header_too_large": (431, {"parameter": "headers", "message": "a request header is longer than 8 KB"}),
    "body_too_large": (413, {"message": "the request body is larger than 1 MB; the app accepts no uploads"}),
    "unavailable": (503, {"message": "the application server is not answering; try again shortly"}),
}


class ProductionError(Exception):
    """The production server could not start (one line saying why)."""


def find_nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
    if found is None:
        raise ProductionError(NGINX_MISSING)
    return found


def raise_open_files_limit() -> int:
    """The soft open-file limit raised to the hard one (capped at MAX_OPEN_FILES); children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_OPEN_FILES if hard == resource.RLIM_INFINITY else min(hard, MAX_OPEN_FILES)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return max(soft, wanted)


def nginx_config(listen: str, upstream: Path, run_dir: Path, open_files: int) -> str:
    """nginx.conf for `listen` (host:port) proxying to gunicorn's unix socket `upstream`."""
    user = ""
    if os.geteuid() == 0:  # never serve the network from root: nginx's workers run as nobody
        nobody = pwd.getpwnam("nobody")
        user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
    temp = "\n".join(f"    {kind}_temp_path {_quoted(run_dir / (kind + '_temp'))};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # URIs, not named locations: a request line too long to read has no URI to carry to a named one.
    errors = "\n".join(
        f"        location = /_errors/{name}.json {{ internal; default_type application/json; add_header "
        f"X-Content-Type-Options nosniff always; return {status} '{json.dumps({'error': body})}'; }}"
        for name, (status, body) in NGINX_ERRORS.items())
    return f"""# Written by webmap/production.py for this run; edits are lost when the server restarts.
{user}
daemon off;
worker_processes auto;
worker_rlimit_nofile {open_files};
pid {_quoted(run_dir / 'nginx.pid')};
error_log stderr warn;

events {{
    # Each connection, a client's or one to gunicorn, is a descriptor; a few are kept for files.
    worker_connections {max(open_files - 32, 512)};
}}

http {{
    access_log off;
    server_tokens off;
{temp}
    # Slow clients: the whole header within {CLIENT_TIMEOUT} s, a body no slower than one read per {CLIENT_TIMEOUT} s.
    client_header_timeout {CLIENT_TIMEOUT}s;
    client_body_timeout {CLIENT_TIMEOUT}s;
    send_timeout 30s;
    keepalive_timeout 5s;
    # Request lines and headers up to 8 KB (gunicorn's limits are the same); longer is a JSON 414/431.
    client_header_buffer_size 1k;
    large_client_header_buffers 4 8k;
    client_max_body_size 1m;

    upstream gunicorn {{
        server {_quoted(f"unix:{upstream}")};
        keepalive 16;
    }}

    server {{
        listen {listen};
        error_page 414 /_errors/uri_too_long.json;
        error_page 494 =431 /_errors/header_too_large.json;
        error_page 413 /_errors/body_too_large.json;
        error_page 502 504 =503 /_errors/unavailable.json;
        location / {{
            proxy_pass http://gunicorn;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout {UPSTREAM_TIMEOUT}s;
            # The app's own errors (404, 503 on a damaged registry) pass through as it wrote them.
            proxy_intercept_errors off;
        }}
{errors}
    }}
}}
"""


def _quoted(value) -> str:
    """A value for nginx.conf: a path in a folder with spaces or semicolons stays one parameter."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def serve_production(bind: str, db: Path, run_dir: Path | None = None) -> int:
    """nginx on `bind` in front of gunicorn on `db`, until SIGTERM/SIGINT or either stops; its exit code."""
    nginx = find_nginx()
    _check_free(bind)
    open_files = raise_open_files_limit()
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="registry-production-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        run_dir.chmod(0o755)  # nginx's workers (nobody) reach the socket through it
    socket_path = run_dir / "gunicorn.sock"
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda number, _frame: stopping.append(number))
    children: list[subprocess.Popen] = []
    try:
        env = {**os.environ, "REGISTRY_DB": str(Path(db).resolve())}
        children.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-b", f"unix:{socket_path}",
             "webmap:create_app()"], env=env))
        _wait_for(socket_path, children[0], stopping)
        config = run_dir / "nginx.conf"
        config.write_text(nginx_config(bind, socket_path, run_dir, open_files), encoding="utf-8")
        children.append(subprocess.Popen([nginx, "-p", str(run_dir), "-c", str(config), "-e", "stderr"]))
        _wait_until_listening(bind, children[1], stopping)
        print(f"serving the registry on http://{bind}/ (nginx in front of gunicorn; Ctrl-C to stop)", flush=True)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        exited = [child for child in children if child.poll() is not None]
        if exited and not stopping:
            name = "gunicorn" if exited[0] is children[0] else "nginx"
            raise ProductionError(f"{name} stopped (exit code {exited[0].returncode}); see its message above")
        return 0
    finally:
        _stop(children)
        shutil.rmtree(run_dir, ignore_errors=True)


def _wait_for(socket_path: Path, gunicorn: subprocess.Popen, stopping: list, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not socket_path.exists():
        if gunicorn.poll() is not None:
            raise ProductionError(f"gunicorn did not start (exit code {gunicorn.returncode}); see its message above")
        if stopping:
            raise ProductionError("stopped before gunicorn had started")
        if time.monotonic() > deadline:
            raise ProductionError(f"gunicorn did not open {socket_path} within {timeout:.0f} s")
        time.sleep(0.1)


def _check_free(bind: str) -> None:
    """ProductionError now, before gunicorn starts, if `bind` cannot be listened on (in use, not ours)."""
    host, _, port = bind.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ProductionError(f"cannot listen on {bind}: the port must be a number from 1 to 65535")
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host.strip("[]") or None, int(port), type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx binds
            probe.bind(address)
    except (OSError, ValueError) as exc:
        raise ProductionError(f"cannot listen on {bind}: {exc.strerror if isinstance(exc, OSError) else exc}") from None


def _wait_until_listening(bind: str, nginx: subprocess.Popen, stopping: list, timeout: float = 30) -> None:
    """Until nginx accepts connections on `bind` (a wildcard address: on loopback), or it has given up."""
    host, _, port = bind.rpartition(":")
    host = host.strip("[]")
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1", "*": "127.0.0.1"}.get(host, host)
    deadline = time.monotonic() + timeout
    while not stopping:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return
        except OSError:
            if nginx.poll() is not None:
                raise ProductionError(f"nginx could not listen on {bind} (exit code {nginx.returncode}); "
                                      "see its message above") from None
            if time.monotonic() > deadline:
                raise ProductionError(f"nginx did not listen on {bind} within {timeout:.0f} s") from None
            time.sleep(0.1)


def _stop(children: list[subprocess.Popen]) -> None:
    """nginx first (SIGQUIT: it finishes what it is sending), then gunicorn (SIGTERM: graceful)."""
    for child, signum in reversed(list(zip(children, (signal.SIGTERM, signal.SIGQUIT)))):
        if child.poll() is None:
            child.send_signal(signum)
        try:
            child.wait(timeout=35)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webmap.production", description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default=os.environ.get("REGISTRY_BIND", "127.0.0.1:8000"),
                        help="address nginx listens on (default $REGISTRY_BIND or 127.0.0.1:8000)")
    parser.add_argument("--db", default=os.environ.get("REGISTRY_DB", "registry.db"), help="the registry database")
    args = parser.parse_args(argv)
    try:
        return serve_production(args.bind, Path(args.db))
    except ProductionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
