"""A large bulk action in a real browser: it becomes a job the user can leave; when the worker
finishes it, the user sees it on whatever page they are on (a toast and the bell)."""

import pytest
from playwright.sync_api import expect

from kartoteka.bulk.services import bulk_job_run
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.jobs.models import Job

pytestmark = pytest.mark.e2e


def test_a_finished_job_is_announced_on_another_page_and_in_the_bell(page, log_in, manager, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    ClientFactory.create_batch(4)
    log_in(manager)

    # Tick the page, archive: the confirmation says it runs in the background, then the job page.
    page.check("#select-page")
    page.click("[data-bulk-action='archive']")
    page.click("#bulk-confirm-button")
    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get()
    expect(page.locator("#job-progress")).to_have_attribute("data-job-status", "queued")
    expect(page.locator("#job-cancel")).to_be_visible()

    # The user goes on working elsewhere; meanwhile the worker does the job.
    page.goto("/clients/archive/")
    expect(page.locator("#job-bell-button")).to_be_visible()  # (the test database is not shared safely)
    bulk_job_run(job_id=job.pk)
    assert Client.objects.filter(archived_at__isnull=False).count() == 4

    # The next page they open announces it: a toast, and a count on the bell.
    page.goto("/clients/")
    toast = page.locator(f".js-job-toast[data-job-id='{job.pk}']")
    expect(toast).to_be_visible()
    expect(page.locator("#job-bell-count")).to_contain_text("1")
    toast.locator("a").click()
    page.wait_for_url(f"**/jobs/{job.pk}/")
    expect(page.locator("#report-changed")).to_have_text("4")

    # Opened: the bell forgets it, and the toast is not shown again.
    page.goto("/clients/")
    expect(page.locator("#job-bell-button")).to_be_visible()
    expect(page.locator("#job-bell-count")).to_have_count(0)
    expect(page.locator(".js-job-toast")).to_have_count(0)
    assert page.errors == []
