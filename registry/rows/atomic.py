"""Files that appear whole or not at all, and temp files that never outlive their process.

Every writer (the build's `.registry.db.<pid>.<random>.building`, an export's or the geocoder's
`.<name>.<pid>.partial`) writes beside its target and swaps with one `os.replace`. The PID in
the temp name lets the next writer of the same target remove what a killed one (SIGKILL, power
loss) left, and only that: a file whose process is still running is another writer's.
"""
from __future__ import annotations

import io
import os
import signal
import secrets
import sys
import time
from contextlib import contextmanager
from pathlib import Path

# A temp name without a PID comes from a version that never cleaned up; one not touched for this
# long is abandoned.
PIDLESS_STALE_SECONDS = 3600


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would raise KeyboardInterrupt, so the same cleanup runs."""


@contextmanager
def terminate_as_interrupt():
    """Within the block, SIGTERM unwinds the stack like Ctrl-C (finally blocks run, temp files go)."""
    def handler(signum, _frame):
        raise Terminated(signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals to whoever owns it
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def temp_name(target: Path, suffix: str) -> Path:
    """A fresh name `.<target name>.<pid>.<random><suffix>` beside the target, not yet a file.

    The caller creates the file inside the try that removes it: a signal can then never fall
    between creating the file and taking charge of it (a temp file made first and guarded after
    leaked when SIGTERM came in between)."""
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}{suffix}"


def remove_stale_temp_files(target: Path, suffix: str) -> list[Path]:
    """Remove `.<target name>.<pid>.*<suffix>` files whose process is gone; return what was removed."""
    removed = []
    prefix = f".{target.name}."
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(suffix)]
    except OSError:
        return removed  # an unreadable or missing folder: the write itself will say why
    for path in candidates:
        middle = path.name[len(prefix):-len(suffix)]
        pid_text = middle.split(".", 1)[0]
        if pid_text.isdigit():
            stale = not process_alive(int(pid_text))
        else:
            try:
                stale = time.time() - path.stat().st_mtime > PIDLESS_STALE_SECONDS
            except OSError:
                continue
        if stale:
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass  # another builder cleaned it first
    return removed


def process_alive(pid: int) -> bool:
    """Whether process `pid` is running (a zombie, killed and not yet reaped, is not)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] != "Z"
    except (OSError, ValueError, IndexError):
        return True


def fsync_directory(folder: Path) -> None:
    """Make a rename in `folder` durable: without it a power loss can bring the old name back."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems do not fsync directories; the rename itself already happened
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path, suffix: str = ".partial"):
    """A temp path `.<name>.<pid>.<random><suffix>` beside `target` for a writer that takes a path
    (GDAL, xlsxwriter): when the block ends the file is made durable (fsync) and moved onto `target`
    with one os.replace; on any error or signal it is removed and `target` is as it was.

    A writer that swallows its own write errors (GDAL's KML driver ignores a full disk) must be
    checked inside the block: what leaves it is taken as whole (see registry.files.verify_export).
    """
    target = Path(target)
    remove_stale_temp_files(target, suffix)
    tmp = temp_name(target, suffix)
    try:
        yield tmp
        _fsync_file(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(target.parent)


def _fsync_file(path: Path) -> None:
    """Flush `path` to the disk: a delayed write error (a full or failing disk) surfaces here as OSError."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_output(target: Path, mode: str = "w", **open_args):
    """Write `target` via `.<name>.<pid>.<random>.partial`: on any error or signal, no file is left.

        with atomic_output(Path("out.csv"), encoding="utf-8", newline="") as handle:
            handle.write(...)
    """
    with atomic_path(target) as tmp, open(tmp, mode.replace("w", "x"), **open_args) as handle:
        yield handle
        handle.flush()  # here, so a write error is raised inside the block and the temp file goes


def write_stdout(data: bytes | str) -> None:
    """Write every byte to standard output or raise OSError. Python's buffered stdout loses what a full disk
    refuses after a partial write, and unbuffered (PYTHONUNBUFFERED) it returns a short count nobody checks: either
    way `registry export > out.csv` on a full disk "succeeded" with a cut file. The bytes go to the raw file here,
    every short write retried, so the next one raises the disk's error."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    sys.stdout.flush()
    buffer = sys.stdout.buffer
    # The FileIO under the buffer, or the buffer itself when Python runs unbuffered (PYTHONUNBUFFERED, -u).
    raw = buffer if isinstance(buffer, io.RawIOBase) else getattr(buffer, "raw", None)
    if raw is None:  # an in-memory stream (click's test runner)
        buffer.write(data)
        return
    buffer.flush()
    view = memoryview(data)
    while view:
        view = view[raw.write(view) or 0:]
