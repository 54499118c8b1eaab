"""The command line behaves like the tools beside it (issue 23): `-o -` is standard output, `python -m
registry` runs, binary formats are never written to a terminal, progress bars only on a terminal.

Every command runs as a real process: through a shell pipe, or with a pseudo-terminal (pty) as its
standard error or output, as a planner's terminal is.
"""
from __future__ import annotations

import csv
import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = [sys.executable, "-m", "registry"]


def _terminal() -> tuple[int, int]:
    """A pseudo-terminal of 100×30, as a planner's terminal window: (master, slave) descriptors."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    return master, slave


def _read_all(master: int) -> str:
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        out += chunk
    return out.decode("utf-8", errors="replace")


def _run_on_terminal(args: list[str], *, stdout_terminal: bool, cwd: Path) -> tuple[int, str, bytes]:
    """Run `args` with standard error (and standard output if `stdout_terminal`) on a pseudo-terminal:
    (exit status, what the terminal showed, what went to a piped standard output)."""
    master, slave = _terminal()
    child = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stderr=slave,
                             stdout=slave if stdout_terminal else subprocess.PIPE)
    os.close(slave)
    with ThreadPoolExecutor(1) as pool:  # the terminal is read while the pipe is, so neither fills and blocks
        shown = pool.submit(_read_all, master)
        piped = child.stdout.read() if child.stdout else b""
        status = child.wait(timeout=120)
        text = shown.result(timeout=60)
    os.close(master)
    return status, text, piped


def test_python_m_registry_runs_the_command_line():
    done = subprocess.run([*REGISTRY, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python -m registry")
    for command in ("build", "export", "extract", "add-plan", "review", "serve"):
        assert f"  {command} " in done.stdout


def test_export_format_help_names_every_format():
    done = subprocess.run([*REGISTRY, "export", "--help"], capture_output=True, text=True, timeout=60, check=False)
    help_text = " ".join(done.stdout.split())
    start = help_text.index("--format [geojson|csv|xlsx|gpkg|kml]")
    described = help_text[start:help_text.index("--type", start)]
    for words in ("geojson:", "RFC 7946", "csv:", "kml:", "xlsx:", "gpkg:", "binary"):
        assert words in described
    assert "- or none: standard output" in help_text


def test_dash_output_is_standard_output_through_a_pipe(registry_db, registry_rows, tmp_path):
    done = subprocess.run(f"{sys.executable} -m registry export --db {registry_db} --format csv -o - | head -n 3",
                          shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stderr == ""
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 2 and rows[0]["id"] == min(r["id"] for r in registry_rows)
    assert not (tmp_path / "-").exists()  # the old behaviour: a file named "-"


def test_kml_is_text_and_goes_to_standard_output_with_dash(registry_db, tmp_path):
    done = subprocess.run([*REGISTRY, "export", "--db", str(registry_db), "--format", "kml", "-o", "-"], cwd=tmp_path,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.startswith(b"<?xml")
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_stops_early_ends_the_export_quietly(registry_db, tmp_path):
    """GeoJSON through `-o - | head -c 10`: the export stops at the closed pipe with SIGPIPE's status, saying nothing."""
    done = subprocess.run(f"{sys.executable} -m registry export --db {registry_db} --format geojson -o - | head -c 10; "
                          "echo \" ${PIPESTATUS[0]}\"", shell=True, executable="/bin/bash", cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout == '{"type":"F 141\n'
    assert done.stderr == ""  # no "Broken pipe" traceback or error line


@pytest.mark.parametrize("fmt, magic", [("xlsx", b"PK\x03\x04"), ("gpkg", b"SQLite format 3\x00")])
def test_binary_formats_refuse_a_terminal_but_go_down_a_pipe(registry_db, tmp_path, fmt, magic):
    status, shown, _ = _run_on_terminal([*REGISTRY, "export", "--db", str(registry_db), "--format", fmt],
                                        stdout_terminal=True, cwd=tmp_path)
    assert status == 1
    assert shown.strip().splitlines() == [
        f"error: {fmt} is binary and is not written to a terminal; give -o FILE or pipe it (> projects.{fmt})"]
    args = ["-o", "-"] if fmt == "xlsx" else []  # either way: standard output, here a pipe
    piped = subprocess.run([*REGISTRY, "export", "--db", str(registry_db), "--format", fmt, *args], cwd=tmp_path,
                           capture_output=True, timeout=120, check=False)
    assert piped.returncode == 0 and piped.stdout.startswith(magic)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_progress_only_on_a_terminal(registry_db, registry_rows, tmp_path, fmt):
    out = tmp_path / f"projects.{fmt}"
    args = [*REGISTRY, "export", "--db", str(registry_db), "--format", fmt, "-o", str(out)]
    piped = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert piped.returncode == 0
    assert piped.stderr == f"wrote {len(registry_rows)} projects to {out}\n"  # nothing else when piped
    status, shown, _ = _run_on_terminal(args, stdout_terminal=False, cwd=tmp_path)
    assert status == 0
    assert "export:   0%|" in shown and f"/{len(registry_rows)} [" in shown and "project/s" in shown
    assert shown.rstrip().endswith(f"wrote {len(registry_rows)} projects to {out}")  # the bar is gone, the line stays
    if fmt == "csv":
        quiet = _run_on_terminal([*args, "--no-progress"], stdout_terminal=False, cwd=tmp_path)[1]
        assert quiet.strip() == f"wrote {len(registry_rows)} projects to {out}"


def test_build_progress_only_on_a_terminal(registry_csv, registry_rows, tmp_path):
    args = [*REGISTRY, "build", "--csv", str(registry_csv), "--plans", str(ROOT / "plans"), "--db", str(tmp_path / "r.db")]
    piped = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)
    assert piped.returncode == 0 and piped.stderr == ""
    status, shown, _ = _run_on_terminal(args, stdout_terminal=False, cwd=tmp_path)
    assert status == 0
    assert "build:   0%|" in shown and f"/{len(registry_rows)} [" in shown


# Libraries a command imports only when it needs them (start-up is most of a small export: issue 25).
HEAVY = ("flask", "numpy", "pandas", "shapely", "pyogrio", "geopandas", "sqlite_utils", "cn2an", "tqdm",
         "registry.extract", "registry.intake", "openpyxl", "xlsxwriter")
LOADED = ("import atexit, sys; atexit.register(lambda: print(' '.join(m for m in {heavy!r} if m in sys.modules), "
          "file=sys.stderr)); from registry.cli import main; main()")


@pytest.mark.parametrize("fmt, needed", [("csv", ""), ("geojson", ""), ("xlsx", "xlsxwriter"),
                                         ("gpkg", "numpy shapely pyogrio"), ("kml", "numpy shapely pyogrio")])
def test_an_export_imports_only_what_its_format_needs(registry_db, tmp_path, fmt, needed):
    done = subprocess.run([sys.executable, "-c", LOADED.format(heavy=HEAVY), "export", "--format", fmt, "--db",
                           str(registry_db), "-o", str(tmp_path / f"out.{fmt}")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == needed
    assert (tmp_path / f"out.{fmt}").stat().st_size > 1000


def test_lazy_commands_are_listed_by_their_own_summary():
    """`registry --help` lists init, add-plan and review without importing them (registry/lazy_commands.py):
    each summary there must be the command's own, and the group must still give the commands themselves."""
    import click

    from registry.cli import cli
    from registry.lazy_commands import LAZY
    for name, (_module, _attribute, summary) in LAZY.items():
        command = cli.commands[name]
        assert command.name == name
        assert click.Command(name, help=summary).get_short_help_str(200) == command.get_short_help_str(200)
