"""`python -m bench.bulk [--clients N]`: time bulk actions run as background jobs.

On a copy of the benchmark database (the list benchmark's data stay as they are): archive the
10 % newest active clients selected by a filter ("select all matching", created_from=...),
restore them, and add as many to a group. Each runs as the worker runs it: `bulk_run` counts
and creates the job (freezing its selection), then the task's body (jobs.tasks.job_task) does the chunks. Targets on
1,000,000 clients: each under 10 s, peak memory of the process under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path
from typing import Any

from bench.build import BENCH_DIR, ROOT, copy_database, database_path, database_url, ensure_database, remove_database

TARGET_SECONDS = 10.0
TARGET_MB = 300.0


def _memory_mb() -> dict[str, float]:
    values = {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                values[f"{key}_mb"] = round(int(value.split()[0]) / 1024, 1)
    return values


def _setup(path: Path) -> None:
    os.environ["DATABASE_URL"] = database_url(path)
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # we run the job ourselves
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def run(clients: int) -> dict[str, Any]:
    build = ensure_database(clients)
    copy = copy_database(database_path(clients), "bulk-copy")
    try:
        _setup(copy)
        return {"clients": clients, "database": build, **_scenarios(clients)}
    finally:
        remove_database(copy)


def _scenarios(clients: int) -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from kartoteka.accounts.models import User
    from kartoteka.accounts.roles import ADMINISTRATOR
    from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
    from kartoteka.clients.models import Client, ClientGroup
    from kartoteka.jobs.models import Job
    from kartoteka.jobs.tasks import worker_connection_setup

    worker_connection_setup()  # this process plays the worker (peak RSS is over its whole life)
    actor = User.objects.create_user(username="bench-bulk", password=None)
    actor.groups.add(Group.objects.get(name=ADMINISTRATOR))
    wanted = clients // 10
    newest = Client.objects.filter(archived_at__isnull=True, status="active").order_by("-created_at", "-id")
    day = newest.values_list("created_at", flat=True)[wanted - 1].date()
    chosen = {"created_from": day.isoformat(), "status": "active"}
    group = ClientGroup.objects.create(name="bench-bulk")

    def job(action: str, list_name: str, filter_params: dict[str, str], **params: Any) -> dict[str, Any]:
        started = time.perf_counter()
        outcome = bulk_run(
            actor=actor,
            action_name=action,
            list_name=list_name,
            selection=selection_from(list_name=list_name, filter_params=filter_params),
            params=params,
        )
        assert outcome.job is not None, "a selection this large must run as a job"
        accepted = time.perf_counter() - started  # counting, creating the job and freezing its selection
        bulk_job_run(job_id=outcome.job.pk)
        seconds = time.perf_counter() - started
        done = Job.objects.get(pk=outcome.job.pk)
        assert done.status == Job.Status.SUCCEEDED, done.error
        memory = _memory_mb()
        print(
            f"  {action:<10} {done.result['changed']:>9,} clients  {seconds:6.2f} s "
            f"(accepting {accepted:.2f} s)  peak {memory['peak_rss_mb']} MB"
        )
        return {
            "name": action,
            "filter": filter_params,
            "seconds": round(seconds, 3),
            "accept_seconds": round(accepted, 3),
            "result": done.result,
            "memory_after": memory,
            "within_target": seconds < TARGET_SECONDS,
        }

    results = [
        job("archive", "clients", chosen),
        job("restore", "archive", {**chosen, "status": "all"}),
        job("group_add", "clients", chosen, group=group.pk),
    ]
    memory = _memory_mb()
    return {
        "scenarios": results,
        "memory": memory,
        "targets": {"seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_MB},
        "memory_within_target": memory["peak_rss_mb"] < TARGET_MB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk", description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000, help="clients in the database (default 1,000,000)")
    args = parser.parse_args()
    os.chdir(ROOT)
    result = run(args.clients)
    out = BENCH_DIR / f"bulk-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    (BENCH_DIR / "bulk-latest.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"Results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
