"""RQ entry points. Each takes ids only, calls one service, and is safe to run twice."""

from __future__ import annotations

import logging

from django.db import close_old_connections

logger = logging.getLogger(__name__)


def generation_run_job(generation_id: int) -> None:
    """Run one generation attempt (the service claims the row, so duplicates do nothing)."""
    from projects.services.generation_runs import generation_run, generation_run_crashed

    # Workers are long-lived processes: drop connections that died or outlived CONN_MAX_AGE, as
    # Django does around each request.
    close_old_connections()
    try:
        generation_run(generation_id=generation_id)
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
