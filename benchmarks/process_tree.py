"""A process and its descendants, from /proc: who they are, and what memory they hold together.

The kernel's peak RSS (ru_maxrss, VmHWM) is per process; a command that forks workers (`registry
build` on several cores) holds the sum of its processes at once, and each forked child's RSS also
counts the pages it still shares with its parent. So `TreeMemory` samples, every `interval`
seconds, the tree's summed PSS (shared pages divided among the processes that map them: the
memory the command really holds) and summed RSS (shared pages counted in every process: an upper
bound), and keeps the peaks. A sample costs ~1 ms of this process's time per process in the tree.
"""
from __future__ import annotations

import threading
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (Linux's /proc/<pid>/task/<pid>/children)."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            children = []
        for child in map(int, children):
            pids.append(child)
            frontier.append(child)
    return pids


def _pss_and_rss_kb(pid: int) -> tuple[int, int]:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # gone between the listing and the read
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if line.endswith("kB")}
    return values.get("Pss", 0), values.get("Rss", 0)


class TreeMemory:
    """Peak summed PSS and RSS (MB) of a process tree, sampled in a thread from start() to stop()."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid, self.interval = pid, interval
        self.peak_pss_mb = self.peak_rss_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> "TreeMemory":
        self._thread.start()
        return self

    def stop(self) -> "TreeMemory":
        self._done.set()
        self._thread.join()
        return self

    def _sample(self) -> None:
        while not self._done.is_set():
            sizes = [_pss_and_rss_kb(pid) for pid in descendants(self.pid)]
            self.peak_pss_mb = max(self.peak_pss_mb, sum(p for p, _ in sizes) / 1024)
            self.peak_rss_mb = max(self.peak_rss_mb, sum(r for _, r in sizes) / 1024)
            self._done.wait(self.interval)
