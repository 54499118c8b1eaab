"""glibc malloc settings for a process that works in large, short-lived blocks (numpy arrays, SQLite blobs), and
`give_back`, which returns what a phase of work freed to the system.

glibc raises its mmap threshold each time a large block is freed (up to 32 MB), after which the next
large temporaries come from the heap, whose freed space stays in the process: a server worker's
view arrays at a million projects, the build's point columns and cluster temporaries. A fixed
threshold keeps every block over it in its own mapping, given back to the system when freed. Each
thread that allocates also gets an arena of its own, which keeps what is freed in it; `arenas`
caps them. Used by the server's workers (webmap/gunicorn_conf.py). A fixed threshold costs a process that
allocates many blocks just over it a system call (and zeroed pages) for each: `registry build` ran a third
slower at a million projects with it; it calls `give_back` between its phases instead.
"""
from __future__ import annotations

MMAP_THRESHOLD = 256 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_M_ARENA_MAX = -8


def tune_malloc(arenas: int = 2, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Set glibc's arena cap and a fixed mmap threshold for this process (and the processes it forks after);
    False where the C library is not glibc (musl, macOS: their own allocators, nothing to set)."""
    libc = _glibc()
    if libc is None:
        return False
    arenas_set = libc.mallopt(_M_ARENA_MAX, arenas)
    threshold_set = libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold)  # whether or not the arenas' was taken
    return bool(arenas_set and threshold_set)


def give_back() -> bool:
    """glibc's malloc_trim(0): the free memory at the top of the heap and in whole free pages goes back to the
    system (the build's row batches, freed once the rows are in). False where the C library is not glibc."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))


def _glibc():
    """The C library with glibc's mallopt and malloc_trim, or None."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - AttributeError where they are missing
    except (OSError, AttributeError):
        return None
    return libc
