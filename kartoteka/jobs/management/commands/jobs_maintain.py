"""`manage.py jobs_maintain`: what the worker does every KARTOTEKA_JOB_SWEEP_INTERVAL seconds, once
(for a task backend without our db_worker, run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kartoteka.jobs.services import jobs_maintain


class Command(BaseCommand):
    help = "Resume or fail stale background jobs and delete expired job files, once."

    def handle(self, *args: Any, **options: Any) -> None:
        done = jobs_maintain()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in done.items()))
