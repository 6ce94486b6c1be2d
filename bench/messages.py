"""`python -m bench.messages [--messages N] [--repeat R]`: N messages (default 10,000) to a
loopback SMTP server (aiosmtpd, its own process), as the worker sends them.

On a fresh database (var/bench/messages.sqlite3: migrated, N demo clients) a manager runs the bulk
action "Wyślij wiadomość" on all of them: the selection becomes a job, the job queues one message
per client (the templates rendered in the sandbox, executemany INSERTs) — timed as "queue". Then
`outbox_send_due` sends the outbox in batches of 100 over one SMTP connection each (Django's
get_connection + send_messages), recording each message's outcome — timed as "send", R times
(the outbox put back to queued in between), median reported.

Beside it, the floor: the same N messages, already built, written by smtplib over one connection
with nothing recorded (`sendmail` in a loop). Results: messages per second, the ratio to the floor,
and the peak RSS of this process, which plays the worker (the SMTP server runs in its own process).
JSON in var/bench/messages-latest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import smtplib
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.build import BENCH_DIR, ROOT, _manage, database_url, remove_database
from bench.bulk import _memory_mb

SUBJECT = "Zaproszenie dla {{ client.first_name }} — Łódź, żółć"
BODY = (
    "Dzień dobry {{ client.full_name }},\n\n"
    "{% if client.company %}zapraszamy firmę {{ client.company }}{% else %}zapraszamy Panią / Pana{% endif %} "
    "na spotkanie w naszym biurze.\n\nZ pozdrowieniami\nZespół Kartoteki"
)


@contextlib.contextmanager
def _smtp_server() -> Iterator[tuple[str, int]]:
    """aiosmtpd in its own process (its event loop does not share our GIL), accepting everything."""
    from kartoteka.core.tests.smtp import free_port

    port = free_port()
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        yield "127.0.0.1", port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _setup(count: int) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "messages.sqlite3"
    remove_database(path)
    _manage(path, "migrate", "--no-input")
    os.environ["DATABASE_URL"] = database_url(path)
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # we play the worker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from kartoteka.clients import demo

    demo.load_clients(count=count, seed=2026, sets=1)


def _queue(count: int) -> tuple[float, int]:
    from django.contrib.auth.models import Group

    from kartoteka.accounts.models import User
    from kartoteka.accounts.roles import MANAGER
    from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
    from kartoteka.jobs.models import Job

    actor = User.objects.create_user(username="bench-messages", password=None)
    actor.groups.add(Group.objects.get(name=MANAGER))
    started = time.perf_counter()
    outcome = bulk_run(
        actor=actor,
        action_name="send_message",
        list_name="clients",
        selection=selection_from(list_name="clients", filter_params={"status": "all"}),
        params={"subject": SUBJECT, "body": BODY},
    )
    if outcome.job is not None:
        bulk_job_run(job_id=outcome.job.pk)
        job = Job.objects.get(pk=outcome.job.pk)
        assert job.status == Job.Status.SUCCEEDED, job.error
    return time.perf_counter() - started, count


def _send_once() -> float:
    from kartoteka.messaging.models import Message
    from kartoteka.messaging.services import outbox_send_due

    Message.objects.update(status="queued", attempts=0, claim="", sent_at=None)
    started = time.perf_counter()
    done = outbox_send_due()
    seconds = time.perf_counter() - started
    assert done["retry"] == done["failed"] == 0, done
    return seconds


def _floor(host: str, port: int) -> float:
    """The same messages, built beforehand, written by smtplib over one connection, nothing recorded."""
    from kartoteka.messaging.models import Message
    from kartoteka.messaging.services import _email

    raw = [(m.recipient, _email(m).message().as_bytes()) for m in Message.objects.all()]
    started = time.perf_counter()
    with smtplib.SMTP(host, port) as smtp:
        for recipient, data in raw:
            smtp.sendmail("kartoteka@localhost", [recipient], data)
    return time.perf_counter() - started


def run(count: int, repeat: int) -> dict[str, Any]:
    _setup(count)
    from django.conf import settings

    from kartoteka.messaging.models import Message

    queue_seconds, _ = _queue(count)
    queued = Message.objects.count()
    with _smtp_server() as (host, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        sends = [_send_once() for _ in range(repeat)]
        floors = [_floor(host, port) for _ in range(repeat)]
    assert Message.objects.filter(status="sent").count() == queued
    send, floor = statistics.median(sends), statistics.median(floors)
    memory = _memory_mb()
    result = {
        "name": "messages",
        "messages": queued,
        "queue_seconds": round(queue_seconds, 3),
        "send_seconds_median": round(send, 3),
        "send_seconds": [round(s, 3) for s in sends],
        "messages_per_second": round(queued / send, 1),
        "floor_smtplib_seconds_median": round(floor, 3),
        "floor_messages_per_second": round(queued / floor, 1),
        "ratio_to_floor": round(send / floor, 2),
        "memory": memory,
    }
    print(
        f"  messages {queued:,}: queue {queue_seconds:.2f} s; send {send:.2f} s median of {repeat} "
        f"({queued / send:,.0f}/s; smtplib floor {queued / floor:,.0f}/s, ratio {send / floor:.2f}x)  "
        f"peak {memory['peak_rss_mb']} MB"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.messages", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000, help="messages (clients) (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="sending runs; the median is reported (default 3)")
    args = parser.parse_args()
    os.chdir(ROOT)
    result = run(args.messages, args.repeat)
    out = BENCH_DIR / f"messages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    (BENCH_DIR / "messages-latest.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"Results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
