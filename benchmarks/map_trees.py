"""The trees benchmarks/map_browser.py compares and how each is built and served: this source tree, or the whole
tree at a baseline commit extracted beside the synthetic registries, with its own build and app (see that module)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import servers

ROOT = Path(__file__).resolve().parent.parent


def build_registry(n: int, work: Path, code_root: Path = ROOT) -> tuple[Path, float]:
    """The synthetic registry of n projects, built by the registry package under code_root."""
    csv_path = work / f"synthetic-{n}.csv"
    if not csv_path.exists():
        subprocess.run([sys.executable, "-m", "benchmarks.synthetic", "-n", str(n), "-o", str(csv_path)],
                       cwd=ROOT, check=True, env=_env())
    if code_root != ROOT:
        if not reads_geometry_wkt(code_root):
            csv_path = old_header_csv(csv_path, code_root)
        db_path = code_root.parent / f"{code_root.name}-{n}.db"
    else:
        db_path = work / f"synthetic-{n}.db"
    if db_path.exists():
        return db_path, 0.0  # built by an earlier run in the same --workdir
    started = time.perf_counter()
    subprocess.run([python_of(code_root), "-c", BUILD_IN_ANY_TREE, str(csv_path), str(db_path)],
                   cwd=code_root, check=True, env=_env(code_root))
    return db_path, time.perf_counter() - started


# The baseline tree may predate the stage folders (registry/store/store.py): its build is found either way.
BUILD_IN_ANY_TREE = ("import sys, importlib; store = importlib.import_module('registry.store'); "  # restructure: keep
                     "build = getattr(store, 'build', None) or importlib.import_module('registry.store.store').build; "  # restructure: keep
                     "build(sys.argv[1], sys.argv[2], targets_csv=None)")


def reads_geometry_wkt(code_root: Path) -> bool:
    """Whether the tree at code_root reads the CSV's WKT column as `geometry_wkt` (as this one does)."""
    return any("geometry_wkt" in path.read_text(encoding="utf-8", errors="replace")
               for path in (code_root / "registry").rglob("*.py"))


def python_of(code_root: Path) -> str:
    """The interpreter that runs the tree at code_root: ours when it declares the same dependencies, else the
    baseline's own virtual environment (90b78ad needs xstatic's font-awesome, which this tree dropped)."""
    if code_root == ROOT or (code_root / "pyproject.toml").read_bytes() == (ROOT / "pyproject.toml").read_bytes():
        return sys.executable
    venv = code_root.parent / f"venv-{code_root.name}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(code_root)], check=True,
                       stdout=subprocess.DEVNULL)
    return str(python)


def _env(code_root: Path = ROOT) -> dict:
    return dict(os.environ, PYTHONPATH=str(code_root))


def old_header_csv(csv_path: Path, code_root: Path) -> Path:
    """The same rows with the header the tree at code_root reads (its WKT column was `geometry`)."""
    target = code_root.parent / f"{code_root.name}-{csv_path.name}"
    if not target.exists():
        with csv_path.open("rb") as source, target.open("wb") as out:
            header = source.readline().decode("utf-8-sig").rstrip("\r\n").split(",")
            out.write((",".join("geometry" if c == "geometry_wkt" else c for c in header) + "\n").encode())
            while chunk := source.read(1 << 20):
                out.write(chunk)
    return target


def baseline_tree(work: Path, ref: str) -> Path:
    """The whole repository as it was at ref, extracted to work/baseline-<ref> (code, plans, geodata)."""
    target = work / f"baseline-{ref}"
    if not (target / "webmap").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "archive", ref], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
        archive.stdout.close()
        if archive.wait() != 0:
            raise SystemExit(f"git archive {ref} failed: is {ref!r} a commit of this repository?")
        # The synthetic rows cite spans of this tree's plans (provincial ones too): the baseline's build checks
        # them against its plans/, so it gets this tree's.
        import shutil

        shutil.rmtree(target / "plans")
        shutil.copytree(ROOT / "plans", target / "plans", ignore=shutil.ignore_patterns("*.review.json", "*.csv.bak"))
    return target


class Server:
    """The app of the tree at code_root (ours, or the baseline's) in a child process on 127.0.0.1: as in production,
    gunicorn with one gthread worker (webmap/gunicorn_conf.py) for a tree that has that configuration, whose worker
    is the process measured; werkzeug's threaded server for an older tree."""

    def __init__(self, db: Path, code_root: Path = ROOT):
        self.port = servers.free_port()
        env = dict(_env(code_root), REGISTRY_DB=str(db), REGISTRY_TILES="none", REGISTRY_BASEMAP="on")
        if (code_root / "webmap" / "gunicorn_conf.py").is_file():
            command = [python_of(code_root), "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-w", "1",
                       "-b", f"127.0.0.1:{self.port}", "webmap:create_app()"]
        else:
            command = [python_of(code_root), "-c", "import sys; from werkzeug.serving import run_simple; "
                       "from webmap import create_app; run_simple('127.0.0.1', int(sys.argv[1]), create_app(), threaded=True)",
                       str(self.port)]
        # The working directory comes first on the path, then PYTHONPATH: both are code_root, so the baseline's
        # registry and webmap packages are the ones imported, never ours. The first answer at 1M takes seconds.
        self.process = servers.start(command, self.port, path="/api/facets", env=env, cwd=code_root, timeout=300,
                                     request_timeout=60)
        self.base = f"http://127.0.0.1:{self.port}"

    def worker_pid(self) -> int:
        """gunicorn's one worker (the arbiter's child), or werkzeug's own process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else self.process.pid

    def memory_mb(self) -> tuple[float, float]:
        """(peak resident set VmHWM, resident set VmRSS) of the serving worker, in MB (10^6 bytes)."""
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines()
                      if ":" in line)
        return tuple(int(fields[name].split()[0]) * 1024 / 1e6 for name in ("VmHWM", "VmRSS"))

    def stop(self) -> None:
        servers.stop(self.process, timeout=30)
