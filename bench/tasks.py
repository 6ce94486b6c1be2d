"""`python -m bench.tasks [--clients N] [--select M]`: the bulk action "Utwórz zadanie" (create_task)
on M selected clients (default 100,000, at most N), run as the worker runs it.

On a copy of the benchmark database: `bulk_run` counts the selection ("select all matching": the M
newest clients by a created_from filter) and creates the job, freezing the selection; the job's
body then creates one task per client, each assigned to two staff members, chunk by chunk (three
statements per chunk: planner.services.task_rows_create). Target: under 5 s for 100,000 clients;
the result reports the time and the peak memory of the process (it plays the worker).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from bench.build import BENCH_DIR, ROOT, copy_database, database_path, ensure_database, remove_database
from bench.bulk import _memory_mb, _setup

TARGET_SECONDS = 5.0
DEFAULT_SELECT = 100_000


def run(clients: int, select: int) -> dict[str, Any]:
    build = ensure_database(clients)
    copy = copy_database(database_path(clients), "tasks-copy")
    try:
        _setup(copy)
        return {"clients": clients, "database": build, **_scenario(min(select, clients))}
    finally:
        remove_database(copy)


def _scenario(wanted: int) -> dict[str, Any]:
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from kartoteka.accounts.models import User
    from kartoteka.accounts.roles import EMPLOYEE, MANAGER
    from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
    from kartoteka.clients.models import Client
    from kartoteka.jobs.models import Job
    from kartoteka.jobs.tasks import worker_connection_setup
    from kartoteka.planner.models import Task, TaskAssignee

    worker_connection_setup()  # this process plays the worker (peak RSS is over its whole life)
    actor = User.objects.create_user(username="bench-tasks", password=None)
    actor.groups.add(Group.objects.get(name=MANAGER))
    colleague = User.objects.create_user(username="bench-colleague", password=None)
    colleague.groups.add(Group.objects.get(name=EMPLOYEE))
    newest = Client.objects.filter(archived_at__isnull=True).order_by("-created_at", "-id")
    day = newest.values_list("created_at", flat=True)[wanted - 1].date()
    chosen = {"created_from": day.isoformat(), "status": "all"}
    params = {
        "subject": "Zadzwonić z nową ofertą",
        "body": "Oferta na 2027 rok: biuro wirtualne z obsługą korespondencji.",
        "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "due_time": "10:00",
        "assignees": [actor.pk, colleague.pk],
        "notify": True,
    }
    started = time.perf_counter()
    outcome = bulk_run(
        actor=actor,
        action_name="create_task",
        list_name="clients",
        selection=selection_from(list_name="clients", filter_params=chosen),
        params=params,
    )
    assert outcome.job is not None, "a selection this large must run as a job"
    accepted = time.perf_counter() - started  # counting, creating the job and freezing its selection
    bulk_job_run(job_id=outcome.job.pk)
    seconds = time.perf_counter() - started
    job = Job.objects.get(pk=outcome.job.pk)
    assert job.status == Job.Status.SUCCEEDED, job.error
    tasks = Task.objects.count()
    links = TaskAssignee.objects.count()
    assert tasks == job.result["changed"], (tasks, job.result)
    assert links == 2 * tasks, (links, tasks)
    memory = _memory_mb()
    print(
        f"  create_task {job.result['changed']:>9,} clients  {seconds:6.2f} s "
        f"(accepting {accepted:.2f} s)  {tasks:,} tasks, {links:,} assignments  peak {memory['peak_rss_mb']} MB"
    )
    return {
        "name": "create_task",
        "filter": chosen,
        "selected": job.result["selected"],
        "changed": job.result["changed"],
        "tasks": tasks,
        "assignments": links,
        "seconds": round(seconds, 3),
        "accept_seconds": round(accepted, 3),
        "memory": memory,
        "target_seconds": TARGET_SECONDS,
        "within_target": seconds < TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tasks", description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000, help="clients in the database (default 1,000,000)")
    parser.add_argument("--select", type=int, default=DEFAULT_SELECT, help="clients selected (default 100,000)")
    args = parser.parse_args()
    os.chdir(ROOT)
    result = run(args.clients, args.select)
    out = BENCH_DIR / f"tasks-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    (BENCH_DIR / "tasks-latest.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"Results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
