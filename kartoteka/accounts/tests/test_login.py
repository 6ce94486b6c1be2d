import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from kartoteka.accounts.models import User
from kartoteka.accounts.roles import ROLE_PERMISSIONS


def test_staff_user_logs_in_and_out(client, employee):
    response = client.post(reverse("accounts:login"), {"username": "employee1", "password": "Secret-pass-123"})
    assert response.url == reverse("clients:list")
    assert client.get(reverse("clients:list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("clients:list")).status_code == 302


def test_wrong_password_shows_an_error(client, employee):
    response = client.post(reverse("accounts:login"), {"username": "employee1", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failed_logins_are_throttled(client, employee):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "employee1", "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": "employee1", "password": "Secret-pass-123"})
    assert locked.status_code == 429
    assert "Zbyt wiele" in locked.content.decode()


def test_passwords_are_hashed_with_argon2(employee):
    assert employee.password.startswith("argon2")


def test_login_page_speaks_polish_by_default(client):
    assert "Zaloguj się" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_each_role_holds_exactly_its_permissions(db, role):
    user = User.objects.create_user(username=f"u-{role}", password="x")
    user.groups.add(Group.objects.get(name=role))
    assert user.get_all_permissions() == ROLE_PERMISSIONS[role]


def test_only_administrators_may_delete_clients_for_good(administrator, manager, employee):
    assert administrator.has_perm("clients.delete_client")
    assert not manager.has_perm("clients.delete_client")
    assert not employee.has_perm("clients.delete_client")


def test_ensure_admin_creates_an_administrator_once_and_prints_the_login(db, capsys, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("ensure_admin")
    first = capsys.readouterr().out
    call_command("ensure_admin")
    second = capsys.readouterr().out
    password = first.strip().rsplit(" ", 1)[-1]
    assert User.objects.get(username="admin").check_password(password)
    assert password in second
    assert User.objects.filter(username="admin").count() == 1
