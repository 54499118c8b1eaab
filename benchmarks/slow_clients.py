"""Slow clients against the production server: ordinary requests while 1,000 connections trickle their headers.

    python benchmarks/slow_clients.py                   # build registry.db from projects.csv into a temp dir
    python benchmarks/slow_clients.py --db registry.db --slow 1000 --requests 50 --runs 3 --baseline

Starts the manual's production command, `registry serve --production` (nginx in front of gunicorn,
webmap/production.py, default settings: 4 workers x 8 threads), on a free loopback port. Each run:

1. `--requests` ordinary requests (GET /api/projects?per_page=5, one at a time, each on a new
   connection as from a browser), with no other load: their latency;
2. `--slow` connections opened, each sending `GET /api/facets`, a header name, and then one byte a
   second, never finishing; after 2 s the same ordinary requests again, while the bytes trickle;
3. a 16 MB URL and a 16 MB header, sent in a thread: the time from the first byte sent until the
   whole (JSON) 414 or 431 has been read.

It prints the median and the maximum of each over every run, the number of requests not answered
within 10 s, and the 1-minute load average before and after (the machine may be shared: figures
under load are upper bounds). `--baseline` measures gunicorn alone with the shipped config
(`gunicorn -c python:webmap.gunicorn_conf`) the same way, with 5 requests and a 5 s timeout under
load (its threads are taken by the first 32 slow clients). Only 127.0.0.1 is contacted.
"""
from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import servers  # noqa: E402
from benchmarks.servers import free_port  # noqa: E402

HOST = "127.0.0.1"
ORDINARY = "/api/projects?per_page=5"
HUGE = 16 * 1024 * 1024


def get(port: int, path: str, timeout: float) -> tuple[int, float]:
    """(status, seconds) of one GET on a new connection, the whole answer read."""
    started = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), time.perf_counter() - started


def ordinary(port: int, count: int, timeout: float) -> tuple[list[float], int]:
    """Latencies of the answered ordinary requests, and how many were not answered (error or timeout)."""
    seconds, missed = [], 0
    for _ in range(count):
        try:
            status, took = get(port, ORDINARY, timeout)
        except OSError:
            missed += 1
            continue
        if status == 200:
            seconds.append(took)
        else:
            missed += 1
    return seconds, missed


def refused(port: int, head: bytes) -> tuple[int, float]:
    """(status, seconds) of a request with a 16 MB request line or header: first byte sent to answer read."""
    with socket.create_connection((HOST, port), timeout=30) as sock:
        def send():
            try:
                sock.sendall(head)
            except OSError:
                pass

        started = time.perf_counter()
        threading.Thread(target=send, daemon=True).start()
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return int(answer.split(b" ", 2)[1]), time.perf_counter() - started


def trickling(port: int, count: int):
    """`count` connections mid-header, a byte a second each, until the returned event is set."""
    socks = []
    for _ in range(count):
        sock = socket.create_connection((HOST, port), timeout=5)
        sock.sendall(b"GET /api/facets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        socks.append(sock)
    done = threading.Event()

    def trickle():
        while not done.wait(1.0):
            for sock in socks:
                try:
                    sock.send(b"a")
                except OSError:
                    pass
        for sock in socks:
            sock.close()

    threading.Thread(target=trickle, daemon=True).start()
    return done


def measure(name: str, command: list[str], env: dict, port: int, args, requests: int, timeout: float) -> None:
    process = servers.start(command, port, env=env, cwd=ROOT)  # answering /healthz
    idle, loaded, misses, uri, header = [], [], 0, [], []
    try:
        for _ in range(args.runs):
            idle += ordinary(port, requests, 10)[0]
            done = trickling(port, args.slow)
            try:
                time.sleep(2)
                answered, missed = ordinary(port, requests, timeout)
                loaded += answered
                misses += missed
            finally:
                done.set()
            time.sleep(1.5)  # the slow connections closed
            uri.append(refused(port, b"GET /api/projects?q=" + b"x" * HUGE + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
            header.append(refused(port, b"GET /api/facets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * HUGE + b"\r\n\r\n"))
    finally:
        servers.stop(process)

    def ms(values):
        return f"{statistics.median(values) * 1000:.1f} / {max(values) * 1000:.1f}" if values else "—"

    print(f"| {name} | {ms(idle)} | {ms(loaded)} | {misses} of {requests * args.runs} | "
          f"{ms([s for _, s in uri])} ({', '.join(sorted({str(c) for c, _ in uri}))}) | "
          f"{ms([s for _, s in header])} ({', '.join(sorted({str(c) for c, _ in header}))}) |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="registry.db (default: built from projects.csv into a temp dir)")
    parser.add_argument("--slow", type=int, default=1000, help="slow connections (default 1000)")
    parser.add_argument("--requests", type=int, default=50, help="ordinary requests per run (default 50)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", action="store_true", help="also gunicorn alone with the shipped config")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.slow + 512)), hard))
    with tempfile.TemporaryDirectory(prefix="slow-clients-") as work:
        db = args.db
        if db is None:
            from registry.store.store import build

            db = Path(work) / "registry.db"
            build(ROOT / "projects.csv", db)
        env = dict(os.environ, REGISTRY_TILES="none")
        print(f"{args.slow} slow connections, {args.requests} ordinary requests ({ORDINARY}) per run, {args.runs} runs; "
              f"load average {os.getloadavg()[0]:.2f} before\n")
        print("| server | no load: median / max ms | with the slow connections: median / max ms | not answered "
              "| 16 MB URL: median / max ms (status) | 16 MB header: median / max ms (status) |")
        print("|---|---|---|---|---|---|")
        port = free_port()
        measure("`registry serve --production` (nginx + gunicorn)",
                [sys.executable, "-m", "registry.cli", "serve", "--production", "--db", str(db), "--port", str(port)],
                env, port, args, args.requests, 10)
        if args.baseline:
            port = free_port()
            measure("gunicorn alone, shipped config",
                    [sys.executable, "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-b", f"{HOST}:{port}",
                     "webmap:create_app()"], {**env, "REGISTRY_DB": str(db)}, port, args, 5, 5)
        print(f"\nload average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
