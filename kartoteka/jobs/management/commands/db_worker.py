"""`manage.py db_worker`: django-tasks-db's worker, which also looks after the jobs.

On start-up, and then every KARTOTEKA_JOB_SWEEP_INTERVAL seconds in a background thread (so a
long job does not hold it up), it re-queues running jobs whose heartbeat is older than
KARTOTEKA_JOB_STALE_AFTER (their worker died: they resume from their first unfinished chunk, or
fail with a readable message after KARTOTEKA_JOB_MAX_ATTEMPTS) and deletes expired job files.
This command shadows django_tasks_db's own (kartoteka.jobs comes first in INSTALLED_APPS), so
every way of starting the worker (bin/serve, systemd, the documentation) gets it.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from kartoteka.jobs.services import jobs_maintain

logger = logging.getLogger(__name__)


def maintain_once() -> None:
    try:
        done = jobs_maintain()
    except Exception:  # a locked database or a lost connection: try again next time
        logger.exception("Looking after the jobs failed")
        return
    finally:
        connection.close()
    if any(done.values()):
        logger.warning("Jobs looked after: %s", done)


def _maintain_forever(stop: threading.Event) -> None:
    while not stop.wait(settings.KARTOTEKA_JOB_SWEEP_INTERVAL):
        maintain_once()


class Command(db_worker.Command):
    help = "Run the background worker; it also resumes or fails stale jobs and deletes expired job files."

    def handle(self, *args: Any, **options: Any) -> None:
        in_worker_process = not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if in_worker_process:
            maintain_once()
            thread = threading.Thread(
                target=_maintain_forever, args=(threading.Event(),), name="jobs-maintenance", daemon=True
            )
            thread.start()
        super().handle(*args, **options)
