"""Review fixes of the export: the archive through the API as in the UI, files only for the user
who asked (any other id, administrators included), a worker killed mid-export, and the fast CSV
path giving exactly what the plain rules give."""

import csv
import datetime as dt
import io
import itertools
import os
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory
from kartoteka.exports.columns import get_columns, local, local_all
from kartoteka.exports.rows import export_rows
from kartoteka.exports.tests.helpers import export, file_of
from kartoteka.exports.writers import _csv_cell, csv_text
from kartoteka.jobs.models import Job
from kartoteka.jobs.runner import job_execute
from kartoteka.jobs.services import job_file_write, job_start, jobs_maintain

JSON = "application/json"
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))  # PostgreSQL text in a session that is not UTC: "...+02"


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _download(api, body) -> list[list[str]]:
    return _csv(b"".join(api.get(body["download_url"]).streaming_content))


# --- the archive through the API -------------------------------------------------------------


@pytest.fixture
def archive_and_list(db):
    gone = timezone.now()
    vip = ClientGroupFactory(name="VIP")
    archived = [
        ClientFactory(first_name="Zofia", status="inactive", archived_at=gone, groups=[vip]),
        ClientFactory(first_name="Żaneta", status="inactive", archived_at=gone),
    ]
    on_list = [ClientFactory(first_name="Aktywna", groups=[vip]), ClientFactory(first_name="Bierna", status="inactive")]
    return archived, on_list


def test_the_api_exports_the_archive_by_filter_as_the_archive_list_means_it(manager, archive_and_list):
    archived, _on_list = archive_and_list
    api = token_client(manager)
    body = {"list": "archive", "filter": {}, "format": "csv", "columns": ["id", "name"]}
    response = api.post("/api/clients/bulk/export", body, content_type=JSON)
    assert response.status_code == 200, response.content
    rows = _download(api, response.json())
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(c.pk for c in archived)  # every archived one
    group = archived[0].groups.get().pk
    one = api.post("/api/clients/bulk/export", {**body, "filter": {"group": group}}, content_type=JSON).json()
    assert [r[0] for r in _download(api, one)[1:]] == [str(archived[0].pk)]
    # The UI's archive export of the same filter selects the same clients.
    web = export(manager, list_name="archive", filter_params={"group": group}, format="csv", columns=["id"])
    assert [r[0] for r in _csv(file_of(web).read_bytes())[1:]] == [str(archived[0].pk)]


def test_the_api_exports_archived_ids_and_skips_those_not_in_the_archive(manager, archive_and_list):
    archived, on_list = archive_and_list
    api = token_client(manager)
    ids = [archived[0].pk, on_list[0].pk]
    response = api.post(
        "/api/clients/bulk/export",
        {"list": "archive", "ids": ids, "format": "csv", "columns": ["id"]},
        content_type=JSON,
    )
    body = response.json()
    assert (body["changed"], body["skipped"]) == (1, {"not_in_archive": 1})
    assert _download(api, body)[1:] == [[str(archived[0].pk)]]


def test_the_api_export_defaults_to_the_client_list_and_refuses_another_list(manager, archive_and_list):
    _archived, on_list = archive_and_list
    api = token_client(manager)
    plain = api.post("/api/clients/bulk/export", {"filter": {"status": "all"}, "format": "csv", "columns": ["id"]},
                     content_type=JSON)  # fmt: skip
    assert sorted(int(r[0]) for r in _download(api, plain.json())[1:]) == sorted(c.pk for c in on_list)
    for wrong in ("trash", None):
        refused = api.post(
            "/api/clients/bulk/export", {"list": wrong, "filter": {}, "format": "csv"}, content_type=JSON
        )
        assert refused.status_code == 422
        assert "list" in refused.json()["errors"]
    # An action of one list has no `list` to choose.
    archive = api.post("/api/clients/bulk/archive", {"list": "archive", "ids": [on_list[0].pk]}, content_type=JSON)
    assert archive.status_code == 422


# --- only the user who asked -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["administrator", "other_manager", "employee"])
def test_nobody_but_the_user_who_asked_downloads_an_export(client, manager, request, who, django_user_model):
    from kartoteka.accounts.roles import MANAGER

    if who == "other_manager":
        from django.contrib.auth.models import Group

        someone = django_user_model.objects.create_user(username="manager2", password="x")
        someone.groups.add(Group.objects.get(name=MANAGER))
    else:
        someone = request.getfixturevalue(who)
    ClientFactory(first_name="Tajny")
    job = export(manager, filter_params={}, format="csv")
    assert token_client(manager).get(f"/api/exports/{job.pk}/download").status_code == 200
    api = token_client(someone)
    for url in (f"/api/exports/{job.pk}/download", f"/api/jobs/{job.pk}/file", f"/api/exports/{job.pk}"):
        assert api.get(url).status_code == 404, url
    client.force_login(someone)
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


# --- a worker killed mid-export ------------------------------------------------------------------


def test_a_worker_killed_mid_export_leaves_nothing_and_the_retry_writes_the_whole_file(manager, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    settings.KARTOTEKA_BULK_CHUNK = 2
    clients = ClientFactory.create_batch(5)
    job = export(manager, filter_params={}, format="csv", columns=["id"])
    # The first attempt wrote two chunks into its file and was killed: no clean-up ran.
    job_start(job_id=job.pk)
    first_two = list(job.items.order_by("id").values_list("id", flat=True)[:4])
    job.items.filter(id__in=first_two).update(outcome="changed")
    writing = job_file_write(job_id=job.pk, name="x.csv", content_type="text/csv")
    writing.__enter__().write(b"ID\r\n1\r\n2\r\n3\r\n4\r\n")
    directory = Path(settings.KARTOTEKA_JOB_FILES_DIR)
    [partial] = directory.glob(f"{job.pk}-*.part")
    old = time.time() - settings.KARTOTEKA_JOB_STALE_AFTER - 60
    os.utime(partial, (old, old))
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))

    done = jobs_maintain()  # the worker's periodic look-after

    assert (done["resumed"], done["files_expired"]) == (1, 1)
    assert not partial.exists()
    job_execute(job_id=job.pk)  # the retry
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert [int(r[0]) for r in _csv(file_of(job).read_bytes())[1:]] == [c.pk for c in clients]
    assert [p.name for p in directory.iterdir()] == [job.file_path]
    del writing


# --- the fast CSV path gives what the rules give -----------------------------------------------------


TRICKY = ["", "zwykły", "=1+2", "+48600123456", "-5", "@SUM(A1)", "\tx", "\rx", "a\n=b", 'z "cudzysłowem"',
          "a,b;c", "x\x00=y", "Łódź"]  # fmt: skip


@pytest.mark.parametrize("first", TRICKY)
def test_csv_text_neutralises_exactly_as_cell_by_cell(first):
    for others in itertools.permutations(TRICKY, 3):
        values = (first, *others)
        assert list(csv_text(values)) == [_csv_cell(v) for v in values]
    mixed = (first, None, 7, "=x")
    assert csv_text(mixed) == [_csv_cell(v) for v in mixed]


@pytest.mark.parametrize("zone", ["Europe/Warsaw", "Asia/Kolkata", "America/St_Johns", "UTC"])
def test_local_all_agrees_with_local_across_time_changes(settings, zone):
    settings.TIME_ZONE = zone
    start = dt.datetime(2026, 3, 28, 22, 0, tzinfo=dt.UTC)  # over the spring change in Europe
    texts: list[str | None] = []
    for minutes in range(0, 60 * 30, 17):
        moment = start + dt.timedelta(minutes=minutes, seconds=minutes % 60, microseconds=minutes * 7)
        sqlite = moment.replace(tzinfo=None).isoformat(" ")
        texts += [
            sqlite,
            sqlite[:19],
            sqlite + "+00",
            sqlite[:19] + "+00",
            moment.astimezone(PLUS_TWO).isoformat(" ")[:-3],
        ]
    texts += [None, ""]
    assert local_all(texts) == [local(t) if t else None for t in texts]


def test_name_and_address_put_together_by_the_database_match_the_rules(db):
    parts = itertools.product(["", "ul. Długa 5"], ["", "00-950"], ["", "Łódź"], ["PL", "DE", ""])
    names = itertools.cycle([("Jan", "Nowak"), ("", "Nowak"), ("Jan", "")])
    made = [
        ClientFactory(first_name=f, last_name=last, street=s, postal_code=p, city=c, country=k)
        for (f, last), (s, p, c, k) in zip(names, parts, strict=False)
    ]
    rows = {r[0]: r for r in export_rows(Client.objects.all(), get_columns(["id", "name", "address"]))}
    for client in made:
        town = " ".join(p for p in (client.postal_code, client.city) if p)
        pieces = [client.street, town, client.country if client.country not in ("", "PL") else ""]
        expected = (f"{client.first_name} {client.last_name}".strip(), ", ".join(p for p in pieces if p))
        assert rows[client.pk][1:] == expected
