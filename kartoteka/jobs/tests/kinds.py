"""Job kinds that exist only in the tests: one writes a file (as an export will), one counts items."""

from __future__ import annotations

from kartoteka.jobs.kinds import JobKind, get_kind, register_kind
from kartoteka.jobs.models import Job
from kartoteka.jobs.runner import JobRun


def _write_file(run: JobRun) -> None:
    with run.step():
        with run.file(name="report.csv", content_type="text/csv") as handle:
            handle.write(run.job.parameters.get("content", "a,b\n1,2\n").encode())
        run.progress(done=1, result={"rows": 1})


def _count_items(run: JobRun) -> None:
    done = 0
    for items in run.item_chunks(2):
        done += items.update(outcome="changed")
        run.progress(done=done, result={"counted": done})


def _title(job: Job) -> str:
    return f"Test: {job.action}"


if get_kind("test.file") is None:
    register_kind(JobKind(name="test.file", title=_title, run=_write_file))
    register_kind(JobKind(name="test.count", title=_title, run=_count_items))
