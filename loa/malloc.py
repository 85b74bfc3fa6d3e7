"""Fewer glibc malloc arenas in the worker, so memory freed by synthesis threads goes back.

glibc gives each thread that contends for the allocator an arena of its own (up to eight per
core) and keeps what is freed in each for reuse. A worker synthesizes an online article in ten
threads (decoding, measuring), so a 5,000-character article left a worker process at 325-380 MB
with the default arenas and at 195-212 MB with two, for the same speed: with the default, the
process passed LOA_WORKER_MAX_MEMORY_MB after most articles and was replaced, and the next
article paid a fresh process's start. ``MALLOC_ARENA_MAX`` set in the environment wins (glibc
has read it at start-up); elsewhere (not glibc: musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

logger = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
WORKER_ARENAS = 2


def limit_arenas(count: int = WORKER_ARENAS) -> bool:
    """At most ``count`` malloc arenas from now on (call before starting threads); True if set."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_ARENA_MAX, count))
    if not done:
        logger.debug("mallopt(M_ARENA_MAX, %d) refused", count)
    return done
