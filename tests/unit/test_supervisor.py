"""The supervisor's restart policy with a fake clock and fake processes: back-off doubling up
to its maximum, the limit within the window, restarts forgotten after the window."""

from __future__ import annotations

import subprocess
from typing import cast

import pytest

from loa.config import Settings
from loa.runtime import GaveUp, Supervisor


class FakeProc:
    def __init__(self) -> None:
        self.code: int | None = None
        self.pid = id(self) % 100_000

    def poll(self) -> int | None:
        return self.code


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def setup(**settings: float) -> tuple[Supervisor, Clock, list[FakeProc], list[str]]:
    clock = Clock()
    procs: list[FakeProc] = []
    restarted: list[str] = []

    def start() -> subprocess.Popen[bytes]:
        procs.append(FakeProc())
        return cast("subprocess.Popen[bytes]", procs[-1])

    # the ignore: numeric overrides by field name (the fields are int and float; pydantic checks)
    sup = Supervisor(Settings(**settings), restarted.append, clock=clock)  # type: ignore[arg-type]
    sup.add("worker", start)
    return sup, clock, procs, restarted


def crash_and_restart(sup: Supervisor, clock: Clock, procs: list[FakeProc]) -> float:
    """Crash the current process; the seconds until the supervisor started a new one."""
    procs[-1].code = -9
    crashed_at = clock.now
    count = len(procs)
    sup.poll()
    while len(procs) == count:
        clock.now += 0.25
        sup.poll()
    return clock.now - crashed_at


def test_backoff_doubles_up_to_the_maximum() -> None:
    sup, clock, procs, restarted = setup(restart_limit=10, restart_backoff_max=4)
    waits = [crash_and_restart(sup, clock, procs) for _ in range(5)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert restarted == ["worker"] * 5


def test_a_live_process_is_left_alone() -> None:
    sup, clock, procs, restarted = setup()
    for _ in range(20):
        clock.now += 1
        sup.poll()
    assert len(procs) == 1 and restarted == []


def test_past_the_limit_within_the_window_it_gives_up() -> None:
    sup, clock, procs, _ = setup(restart_limit=2, restart_window=100)
    crash_and_restart(sup, clock, procs)
    crash_and_restart(sup, clock, procs)
    procs[-1].code = 1
    with pytest.raises(GaveUp, match="worker exited \\(code 1\\) after 2 restarts"):
        sup.poll()


def test_restarts_older_than_the_window_are_forgotten() -> None:
    sup, clock, procs, _ = setup(restart_limit=2, restart_window=100)
    crash_and_restart(sup, clock, procs)
    crash_and_restart(sup, clock, procs)
    clock.now += 101
    assert crash_and_restart(sup, clock, procs) == 0.5  # the back-off starts over too


def test_limit_zero_never_restarts() -> None:
    sup, clock, procs, _ = setup(restart_limit=0)
    procs[-1].code = -11
    with pytest.raises(GaveUp):
        sup.poll()
