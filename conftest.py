"""Standing users per role, shared by every app's tests."""

import pytest
from django.contrib.auth.models import Group

from kartoteka.accounts.models import User
from kartoteka.accounts.roles import ADMINISTRATOR, EMPLOYEE, MANAGER


def _user(username: str, role: str | None) -> User:
    user = User.objects.create_user(username=username, password="Secret-pass-123", first_name=username.title())
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def administrator(db) -> User:
    return _user("admin1", ADMINISTRATOR)


@pytest.fixture
def manager(db) -> User:
    return _user("manager1", MANAGER)


@pytest.fixture
def employee(db) -> User:
    return _user("employee1", EMPLOYEE)


@pytest.fixture
def outsider(db) -> User:
    """A logged-in account with no role: may see nothing."""
    return _user("outsider1", None)


@pytest.fixture
def employee_client(client, employee):
    client.force_login(employee)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def admin_client_(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests do not run collectstatic: serve assets by name, not through the hashed manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Throttles count in the cache: each test starts from an empty one in memory."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _mail_scans_in_a_temporary_directory(settings, tmp_path_factory):
    """Scans written by any test (the demo data's too) land outside var/."""
    settings.KARTOTEKA_MAIL_SCAN_DIR = tmp_path_factory.getbasetemp() / "mail-scans"
