import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kartoteka.core.tests.smtp import smtp_inbox
from kartoteka.portal.tests.factories import PASSWORD, PortalUserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def inbox(settings):
    yield from smtp_inbox(settings)


@pytest.fixture
def portal_user(db):
    return PortalUserFactory()


def portal_login(http: HttpClient, email: str, password: str = PASSWORD):
    return http.post(reverse("portal:login"), {"email": email, "password": password})


@pytest.fixture
def portal_client(portal_user):
    http = HttpClient()
    response = portal_login(http, portal_user.email)
    assert response.status_code == 302, response.content
    return http
