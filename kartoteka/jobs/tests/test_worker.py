"""A real `manage.py db_worker` killed with SIGKILL in the middle of a job: another worker resumes it
from its first unfinished chunk, and every client is changed exactly once.

The workers are separate processes, so they need a database of their own that outlives a
connection: a SQLite file under tmp_path, or (when the suite runs on PostgreSQL) a database
named after the test database with `_worker` appended.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
CLIENTS = 3000
CHUNK = 10


@pytest.fixture
def worker_db(tmp_path: Path) -> Iterator[dict[str, Any]]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        import psycopg

        name = f"{db.get('TEST', {}).get('NAME') or 'test_' + db['NAME']}_worker"
        server: dict[str, Any] = {
            "host": db["HOST"] or "127.0.0.1",
            "port": db["PORT"] or 5432,
            "user": db["USER"] or "postgres",
        }
        admin_url = f"postgres://{server['user']}@{server['host']}:{server['port']}"
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        yield {"url": f"{admin_url}/{name}", "pg": {**server, "dbname": name}}
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "worker.sqlite3"
        yield {"url": f"sqlite:///{path}", "sqlite": path}


def _env(db: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DB_NAME", "TASKS_BACKEND")}
    env.update(
        DATABASE_URL=db["url"],
        DJANGO_SETTINGS_MODULE="config.settings",
        KARTOTEKA_BULK_SYNC_LIMIT="5",
        KARTOTEKA_BULK_CHUNK=str(CHUNK),
        KARTOTEKA_JOB_STALE_AFTER="2",
        KARTOTEKA_JOB_SWEEP_INTERVAL="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _shell(env: dict[str, str], code: str) -> dict[str, Any]:
    out = _manage(env, "shell", "--no-imports", "-c", code)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "default", "--interval", "0.2",
         "--no-startup-delay", "--no-reload", "-v", "0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _job_row(db: dict[str, Any], job_id: int) -> tuple[str, int]:
    """The job's status and progress, read directly (a Django process per poll would be too slow)."""
    query = "SELECT status, done FROM jobs_job WHERE id = %s"
    if "sqlite" in db:
        with sqlite3.connect(db["sqlite"], timeout=20) as conn:
            row = conn.execute(query.replace("%s", "?"), (job_id,)).fetchone()
    else:
        import psycopg

        with psycopg.connect(**db["pg"]) as conn:
            row = conn.execute(query, (job_id,)).fetchone()
    assert row is not None
    return str(row[0]), int(row[1])


def _wait(db: dict[str, Any], job_id: int, until: Any, timeout: float) -> tuple[str, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _job_row(db, job_id)
        if until(*row):
            return row
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not get there in {timeout} s: {_job_row(db, job_id)}")


@pytest.mark.django_db
def test_a_job_whose_worker_was_killed_is_resumed_by_another_and_changes_each_client_once(worker_db):
    env = _env(worker_db)
    _manage(env, "migrate", "-v", "0")
    created = _shell(env, f"from kartoteka.jobs.tests.worker_script import setup; setup({CLIENTS})")
    job_id, total = created["job_id"], created["total"]
    assert total > 20 * CHUNK

    first = _worker(env)
    try:
        _wait(worker_db, job_id, lambda status, done: done >= 5 * CHUNK, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        first.kill()
    status, done = _job_row(worker_db, job_id)
    assert status == "running"  # the dead worker left it so
    assert done < total, "the job finished before the worker was killed: use more clients"

    second = _worker(env)
    try:
        status, done = _wait(worker_db, job_id, lambda status, done: status != "running" and status != "queued", 120)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)

    report = _shell(env, f"from kartoteka.jobs.tests.worker_script import report; report({job_id})")
    assert report["status"] == "succeeded", report
    assert report["attempts"] == 2
    assert report["error"] == ""
    assert report["result"] == {"selected": total, "changed": total, "skipped": {}}
    assert (report["done"], report["total"]) == (total, total)
    assert report["outcomes"] == {"changed": total}
    assert report["archived_frozen"] == total
    assert report["archived_not_frozen"] == 0
    assert report["audit_events"] == 1  # one audit entry across both workers
    assert report["audit_targets"] == report["audit_distinct_targets"] == total  # each client once
    assert report["audit_targets_are_the_frozen"]
