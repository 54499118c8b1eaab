"""Load test of the production command against gunicorn alone: 200 concurrent clients on loopback.

    python benchmarks/load.py --runs 3 --duration 10      # registry serve --production, then gunicorn alone
    python benchmarks/load.py --db registry.db            # test an existing registry (it is only read)
    python benchmarks/load.py --clients 50 --duration 10 --route /api/projects --no-baseline

It starts the manual's production command, `registry serve --production` (nginx in front of gunicorn,
webmap/production.py), on a free loopback port, keeps `--clients` connections busy for `--duration`
seconds per route (each client: connect, GET, read the whole response, repeat; every request is a new
TCP connection, as from many planners' browsers), `--runs` times, then does the same to the baseline in
the same run: gunicorn alone with the shipped config (`gunicorn -c python:webmap.gunicorn_conf`). It prints
the median over the runs of requests per second and latency percentiles, and the errors. Every loop is
bounded by the deadline and a per-request timeout; the servers are stopped at the end. The registry's
bytes and mtime are compared before and after: a server must never write it.

Exit status 1 if any request failed (non-200, connection error or timeout) or the db changed.
Only 127.0.0.1 is ever contacted.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import free_port, start, stop  # noqa: E402

DEFAULT_ROUTES = ("/api/projects", "/export.geojson")
HOST = "127.0.0.1"  # loopback only, by construction
MAX_CLIENTS, MAX_DURATION = 1000, 120.0  # hard bounds, whatever the command line says


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def source_csv() -> Path:
    real = ROOT / "projects.csv"
    return real if real.is_file() else ROOT / "tests" / "fixtures" / "sample_projects.csv"


def start_server(command: list[str], port: int, db: Path, log_path: Path):
    """The server, once it answers /api/facets (benchmarks/servers.py: its log's tail if it does not)."""
    return start(command, port, path="/api/facets", env=dict(os.environ, REGISTRY_DB=str(db)), cwd=ROOT,
                 log_path=log_path)


def stop_server(process) -> str:
    """Stops the server (benchmarks/servers.py: SIGTERM, then SIGKILL to its group); returns its log's tail."""
    stop(process, timeout=20)
    return process.log_path.read_text(errors="replace")[-3000:]


async def one_request(port: int, request: bytes, timeout: float) -> tuple[int, int]:
    """(status, body bytes) of one GET on a fresh connection; raises on connection errors."""
    async def exchange():
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(request)
            await writer.drain()
            data = await reader.read()  # Connection: close -> read to EOF
        finally:
            writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
        return status, len(body)

    return await asyncio.wait_for(exchange(), timeout)


async def run_route(port: int, route: str, clients: int, duration: float, timeout: float) -> dict:
    request = f"GET {route} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\nUser-Agent: registry-load\r\n\r\n".encode()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sizes: list[int] = []
    start = time.monotonic()
    deadline = start + duration

    async def client():
        while time.monotonic() < deadline:
            began = time.monotonic()
            try:
                status, size = await one_request(port, request, timeout)
            except asyncio.TimeoutError:
                errors["timeout"] = errors.get("timeout", 0) + 1
                continue
            except OSError as exc:
                key = type(exc).__name__
                errors[key] = errors.get(key, 0) + 1
                await asyncio.sleep(0.01)
                continue
            if status != 200:
                errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
            else:
                latencies.append(time.monotonic() - began)
                sizes.append(size)

    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.monotonic() - start  # includes the requests still in flight at the deadline
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")

    return {"route": route, "clients": clients, "duration_s": round(elapsed, 2), "ok": len(latencies),
            "errors": sum(errors.values()), "error_kinds": errors, "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(pct(50), 1), "p90_ms": round(pct(90), 1), "p99_ms": round(pct(99), 1),
            "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
            "mean_body_bytes": int(statistics.mean(sizes)) if sizes else 0}


def servers(db: Path, workers: int, baseline: bool) -> list[tuple[str, list[str], int]]:
    """(name, command, port) of the server measured and, with `baseline`, of gunicorn alone."""
    port = free_port()
    chosen = [("`registry serve --production`",
               [sys.executable, "-m", "registry.cli", "serve", "--production", "--db", str(db), "--port", str(port)], port)]
    if baseline:
        port = free_port()
        chosen.append(("gunicorn alone (baseline)",
                       [sys.executable, "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-w", str(workers),
                        "-b", f"{HOST}:{port}", "webmap:create_app()"], port))
    return chosen


def median_of(results: list[dict]) -> dict:
    """One route's runs in one row: medians of the rates and percentiles, errors summed."""
    return {"route": results[0]["route"], "runs": len(results), "ok": sum(r["ok"] for r in results),
            "errors": sum(r["errors"] for r in results),
            **{key: round(statistics.median(r[key] for r in results), 1) for key in ("rps", "p50_ms", "p90_ms", "p99_ms")},
            "max_ms": max((r["max_ms"] or 0) for r in results), "mean_body_bytes": results[-1]["mean_body_bytes"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="registry to serve (default: build one from projects.csv in a temp dir)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per route and run")
    parser.add_argument("--runs", type=int, default=3, help="runs per route and server; medians are reported")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of the baseline")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    parser.add_argument("--route", action="append", help=f"route to load (repeatable; default {' and '.join(DEFAULT_ROUTES)})")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure gunicorn alone in the same run (default: yes)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    clients = max(1, min(args.clients, MAX_CLIENTS))
    duration = max(1.0, min(args.duration, MAX_DURATION))
    routes = args.route or list(DEFAULT_ROUTES)

    with tempfile.TemporaryDirectory(prefix="registry-load-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "registry.db"
            subprocess.run([sys.executable, "-m", "registry.cli", "build", "--csv", str(source_csv()), "--db", str(db)],
                           cwd=ROOT, check=True, capture_output=True, timeout=300)
        db = db.resolve()
        before = fingerprint(db)
        print(f"# {clients} concurrent clients, {duration:g} s per route and run, {args.runs} runs, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; registry {db.name} "
              f"({sum(1 for _ in open(source_csv(), encoding='utf-8')) - 1 if args.db is None else '?'} projects)", flush=True)
        print("| server | route | requests OK | errors | req/s | p50 | p90 | p99 | max | body |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        results, failed = [], False
        for name, command, port in servers(db, args.workers, args.baseline):
            server = start_server(command, port, db, Path(tmp) / "server.log")
            try:
                runs = {route: [] for route in routes}
                for _ in range(args.runs):
                    for route in routes:
                        runs[route].append(asyncio.run(run_route(port, route, clients, duration, args.timeout)))
            finally:
                log = stop_server(server)
            for route in routes:
                row = median_of(runs[route]) | {"server": name}
                results.append(row)
                failed |= bool(row["errors"])
                print(f"| {name} | `{route}` | {row['ok']:,} | {row['errors']} | **{row['rps']:,.0f}** | {row['p50_ms']:.0f} ms "
                      f"| {row['p90_ms']:.0f} ms | **{row['p99_ms']:.0f} ms** | {row['max_ms']:.0f} ms | "
                      f"{row['mean_body_bytes'] / 1000:.0f} KB |", flush=True)
            if row["errors"] and log:
                print("# server log tail:\n" + log, file=sys.stderr)
        unchanged = fingerprint(db) == before
        journal = [p.name for p in db.parent.iterdir() if p.name.startswith(db.name + "-")]
        failed = failed or not unchanged or bool(journal)
        print(f"\nmedians of {args.runs} runs of {duration:g} s; load average {os.getloadavg()[0]:.2f} at the end; "
              f"registry {'unchanged' if unchanged and not journal else 'CHANGED'}; {'FAILED' if failed else 'OK'}", flush=True)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps({"clients": clients, "duration_s": duration, "runs": args.runs,
                                             "cpus": os.cpu_count(), "db_unchanged": unchanged, "results": results},
                                            indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
