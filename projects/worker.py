"""The RQ worker class Brandkit runs (`manage.py rqworker --worker-class projects.worker...`,
set as the default through settings.RQ["WORKER_CLASS"]).

It works jobs in-process (SimpleWorker): generation jobs wait seconds to minutes on a provider, so
fork isolation buys little, while one process per worker keeps one httpx client and one database
connection across jobs and saves a fork per job. Its maintenance runs our sweep, at start-up and
then every WORKER_MAINTENANCE_SECONDS, so a generation abandoned by a killed worker is found
without waiting on RQ's own slow abandoned-job detection.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connections
from rq.worker import SimpleWorker

logger = logging.getLogger(__name__)

# An idle worker blocks on dequeue for worker_ttl - 15 s between maintenance runs; RQ's default
# (420 s) would let a lost generation sit for minutes.
IDLE_WORKER_TTL = 60


class BrandkitWorker(SimpleWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["maintenance_interval"] = settings.WORKER_MAINTENANCE_SECONDS
        kwargs["worker_ttl"] = kwargs.get("worker_ttl") or IDLE_WORKER_TTL
        super().__init__(*args, **kwargs)

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from projects.services.generation_sweeps import generation_sweep

        try:
            report = generation_sweep()
            if report.total:
                logger.info("Sweep: %s", report)
        except Exception:
            logger.exception("The generation sweep failed; it runs again at the next maintenance")
        try:
            from projects.services.webhook_events import webhook_deliveries_sweep

            webhook_deliveries_sweep()
        except Exception:
            logger.exception("The webhook sweep failed; it runs again at the next maintenance")
        finally:
            connections.close_all()
