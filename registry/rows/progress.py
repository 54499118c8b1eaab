"""Progress bars of the long commands (build, export): on standard error, and only when it is a terminal.

    with progress_bar(total, "export", "project", show) as bar:
        rows = ticking(rows, bar)

Piped or redirected (a script, a cron job, a CI log) the commands print nothing but their result
line, as `gzip` and `curl` do: tqdm's bar is disabled unless `show` (the commands' --progress /
--no-progress, default: standard error is a terminal).
"""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Iterable, Iterator, TypeVar

if TYPE_CHECKING:
    from tqdm import tqdm

Row = TypeVar("Row")


class HiddenBar:
    """The bar of a command whose progress is not shown: tqdm's interface, without importing tqdm (a tenth
    of a second of start-up, mostly importlib.metadata, that a piped `registry export` does not need)."""

    disable = True

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> "HiddenBar":
        return self

    def __exit__(self, *exc) -> None:
        pass


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def progress_bar(total: int | None, desc: str, unit: str, show: bool | None = None) -> "tqdm | HiddenBar":
    """A tqdm bar on stderr; `show` None means: when stderr is a terminal. The bar is cleared when it closes,
    so the command's own result line is what stays on the screen."""
    if not (stderr_is_terminal() if show is None else show):
        return HiddenBar()
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the build forks its workers only from a single-threaded process
    columns, lines = _screen()
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, ncols=columns, nrows=lines)


def _screen() -> tuple[int | None, int | None]:
    """The terminal's width and height, 80×24 where it reports none (the pseudo-terminal `script` opens from
    a pipe, a serial console): tqdm draws nothing on a screen of 0×0."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError):
        return None, None
    return size.columns or 80, size.lines or 24


def ticking(rows: Iterable[Row], bar: "tqdm | HiddenBar | None") -> Iterator[Row]:
    """The rows, one tick of `bar` each as it is consumed (the bar follows the writer, not the reader)."""
    if bar is None or bar.disable:
        yield from rows
        return
    for row in rows:
        yield row
        bar.update(1)
