"""RQ entry points. Each takes ids only, calls one service, and is safe to run twice."""

from __future__ import annotations

import logging
import uuid

from django.db import InterfaceError, OperationalError, close_old_connections, connections

from projects import db_slots
from projects.image_slots import image_work

logger = logging.getLogger(__name__)

# A run that could not reach the database is sent again this much later.
DATABASE_RETRY_SECONDS = 5.0


def generation_run_job(generation_id: int) -> None:
    """Run one generation attempt (the service claims the row, so duplicates do nothing)."""
    from projects.queue import enqueue_after_commit
    from projects.services.generation_runs import generation_run, generation_run_crashed

    # Workers are long-lived processes: drop connections that died or outlived CONN_MAX_AGE, as
    # Django does around each request.
    close_old_connections()
    try:
        with db_slots.session():
            generation_run(generation_id=generation_id)
    except (OperationalError, InterfaceError):
        # The database went away (a restart, a terminated backend). Nothing was written, or the
        # row is running and the sweep takes it back once its liveness lapses; either way a fresh
        # delivery a little later claims it or does nothing, so nothing waits for the stale sweep.
        logger.warning("Generation %s: database unavailable; sent again", generation_id)
        connections.close_all()
        enqueue_after_commit(
            generation_run_job,
            generation_id,
            job_id=f"generation-{generation_id}-db-{uuid.uuid4().hex[:12]}",
            delay_seconds=DATABASE_RETRY_SECONDS,
        )
    except Exception:
        logger.exception("Generation %s crashed", generation_id)
        generation_run_crashed(generation_id=generation_id)
        raise
    finally:
        close_old_connections()


def version_poster_job(version_id: int) -> None:
    """Draw and check the poster of one version (does nothing if it exists already)."""
    from projects.services.posters import version_poster_create

    close_old_connections()
    try:
        # Compositing decodes full-size images: one of the process's few decode slots, so a
        # thread-pool worker's 50 threads never composite 50 posters at once.
        with image_work(), db_slots.session():
            version_poster_create(version_id=version_id)
    except Exception:
        logger.exception("Poster of version %s crashed", version_id)
        raise
    finally:
        close_old_connections()


def webhook_delivery_job(delivery_id: int) -> None:
    """Make the next attempt of one webhook delivery (claimed by compare-and-set)."""
    from projects.services.webhook_events import webhook_delivery_attempt

    close_old_connections()
    try:
        webhook_delivery_attempt(delivery_id=delivery_id)
    finally:
        close_old_connections()
