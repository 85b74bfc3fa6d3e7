"""Which process holds something (an article's lease, a segment's claim): ``host:pid``, and
whether that process is known to be gone."""

from __future__ import annotations

import os
import socket


def current_owner() -> str:
    """This process as an owner (computed per call: prefork children have their own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_is_dead(owner: str | None) -> bool:
    """True when ``owner`` is a process on this host that no longer exists."""
    if not owner or ":" not in owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
