"""The client portal in a real browser: staff invite a client's person from the Konto klienta tab,
the e-mail's link (received by a real SMTP server) sets a password, the person logs in to the
portal and sees their data; staff archive the client, and the person's next click lands on the
portal's login page."""

import re

import pytest
from playwright.sync_api import expect

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.tests.smtp import body_text, smtp_inbox

pytestmark = pytest.mark.e2e

PASSWORD = "Panel-klienta-2026!"


@pytest.fixture
def inbox(settings, live_server):
    settings.KARTOTEKA_SITE_URL = live_server.url
    yield from smtp_inbox(settings)


def test_invited_person_sets_a_password_logs_in_and_is_logged_out_by_archiving(
    page, browser, live_server, log_in, manager, inbox
):
    client = ClientFactory(first_name="Halina", last_name="Wrona", company_name="Wrona i Syn", city="Toruń")
    log_in(manager)

    # Staff: the client's Konto klienta tab, invite.
    page.goto(f"/clients/{client.pk}/portal-users/")
    expect(page.locator("#portal-users")).to_contain_text("nie ma konta")
    page.fill("#portal-invite #id_email", "halina@wrona.pl")
    page.click("#portal-invite button[type=submit]")
    expect(page.locator("[data-portal-user='halina@wrona.pl']")).to_contain_text("Zaproszony")

    # The e-mail arrived at the SMTP server; its link sets the password.
    assert [m["To"] for m in inbox.messages] == ["halina@wrona.pl"]
    link = re.search(r"https?://\S+/portal/invitation/\S+/", body_text(inbox.messages[0]))
    assert link is not None
    portal = browser.new_context(base_url=live_server.url, locale="pl-PL").new_page()
    portal.goto(link.group(0))
    portal.fill("#id_new_password1", PASSWORD)
    portal.fill("#id_new_password2", PASSWORD)
    portal.click("button[type=submit]")
    portal.wait_for_url("**/portal/login/")

    # The person logs in with the new password and sees their own client.
    portal.fill("#id_email", "halina@wrona.pl")
    portal.fill("#id_password", PASSWORD)
    portal.click("button[type=submit]")
    portal.wait_for_url(re.compile(r".*/portal/$"))
    expect(portal.locator("#portal-client-name")).to_contain_text("Halina Wrona")
    expect(portal.locator("body")).to_contain_text("Wrona i Syn")
    expect(portal.locator("body")).to_contain_text("Toruń")

    # The staff member's own session is not a portal login (and the other way round).
    page.goto("/portal/cases/")
    page.wait_for_url("**/portal/login/**")
    portal.goto("/clients/")
    portal.wait_for_url("**/accounts/login/**")
    portal.goto("/portal/")

    # Staff archive the client (the dialog promises the portal users lose access) ...
    page.goto("/clients/")
    page.locator(f"#results tr[data-client-id='{client.pk}'] [data-row-action='archive']").click()
    expect(page.locator("#client-dialog #archive-explanation")).to_contain_text("panelu klienta")
    page.locator("#client-dialog #dialog-confirm").click()
    page.wait_for_url("**/clients/")

    # ... and the portal user's next click lands on the login page, where logging in is refused.
    portal.click("#portal-nav-cases")
    portal.wait_for_url("**/portal/login/**")
    portal.fill("#id_email", "halina@wrona.pl")
    portal.fill("#id_password", PASSWORD)
    portal.click("button[type=submit]")
    expect(portal.locator("#login-error")).to_contain_text("nie może się teraz zalogować")
    portal.context.close()
