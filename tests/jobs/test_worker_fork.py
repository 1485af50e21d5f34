"""RQ forks a work horse per job while the worker's upkeep thread runs beside it. A fork in the
middle of an upkeep round would hand the work horse a lock held by a thread that does not exist in
it (a connection pool's, logging's), and the job would hang RUNNING: the worker never forks then."""

from __future__ import annotations

import os
import threading
from unittest import mock

import pytest

from pembinaan.jobs.management.commands import worker

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def test_the_worker_forks_its_work_horse_only_between_two_upkeep_rounds(settings):
    settings.WORKER_UPKEEP_SECONDS = 60
    in_round, may_finish, stop = threading.Event(), threading.Event(), threading.Event()
    finished = []

    def slow_round(*args):
        in_round.set()
        may_finish.wait(5)
        finished.append(True)

    worker._guard_forks()
    with mock.patch.object(worker, "_upkeep_round", slow_round):
        thread = threading.Thread(target=worker._upkeep, args=(stop, "test:1", "jobs"), daemon=True)
        thread.start()
        assert in_round.wait(5)
        # The round ends only after the fork has started waiting for it.
        threading.Timer(0.3, may_finish.set).start()
        pid = os.fork()
        if pid == 0:  # the work horse: nothing to do here
            os._exit(0)
        finished_before_fork = list(finished)
        stop.set()
        thread.join(5)
    _, status = os.waitpid(pid, 0)
    assert finished_before_fork == [True], "the fork happened in the middle of an upkeep round"
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_worker_may_fork_again_after_a_round_and_the_work_horse_is_not_blocked_by_the_guard():
    worker._guard_forks()
    worker._guard_forks()  # registered once however often a worker starts in one process
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        # The work horse can take the lock itself: the copy it got was released for it.
        acquired = worker._ROUND.acquire(timeout=2)
        os.write(write, b"1" if acquired else b"0")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert not worker._ROUND.locked()
