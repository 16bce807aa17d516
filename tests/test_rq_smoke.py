"""RQ against the test Redis (CI's service container, or the embedded one locally)."""

from __future__ import annotations

import pytest
from rq import SimpleWorker
from rq.job import JobStatus


def add(left: int, right: int) -> int:
    """A job body the worker imports by its dotted path, as it would a real job."""
    return left + right


@pytest.mark.redis
def test_rq_worker_runs_an_enqueued_job_on_the_test_redis(rq_queue) -> None:
    job = rq_queue.enqueue(add, 2, 40)
    assert rq_queue.count == 1

    worked = SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=True)

    assert worked is True
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value() == 42
    assert rq_queue.count == 0
