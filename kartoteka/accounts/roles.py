"""The three staff roles and the permissions each one holds.

Roles are Django groups; `roles_sync` (run by the migration and by `seed_demo`) makes the groups
match this table, so the permissions live in one place.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ADMINISTRATOR = "administrator"
MANAGER = "manager"
EMPLOYEE = "employee"
ROLES = (ADMINISTRATOR, MANAGER, EMPLOYEE)

_EMPLOYEE_PERMS = {
    "clients.view_client",
    "clients.add_client",
    "clients.change_client",
    "clients.view_note",
    "clients.add_note",
    "clients.view_clientgroup",
    "clients.add_clientgroup",
    "clients.view_label",
    "audit.view_auditevent",
    "contacts.view_contactperson",
    "contacts.add_contactperson",
    "contacts.change_contactperson",
    "contacts.delete_contactperson",
    "cases.view_case",
    "cases.add_case",
    "cases.change_case",  # edit, close and reopen
    "planner.view_task",
    "planner.add_task",
    "planner.change_task",  # edit, mark done and reopen
    "mailroom.view_mailitem",  # the list, the Poczta tab and the scans
    "mailroom.add_mailitem",
    "mailroom.change_mailitem",  # edit, collect, forward, attach a scan
    "portal.view_portaluser",  # the client's Konto klienta tab
    "portal.add_portaluser",  # invite a person to the client's portal
    "messaging.view_message",  # the client's Wiadomości tab
    "messaging.send_vcard",  # a client's business card by e-mail, one at a time
    "attributes.view_attribute",  # the attributes' definitions (the client form shows them)
}
_MANAGER_PERMS = _EMPLOYEE_PERMS | {
    "clients.change_clientgroup",
    "clients.delete_clientgroup",
    "clients.add_label",
    "clients.change_label",
    "clients.delete_label",
    "clients.archive_client",
    "clients.bulk_client",
    "clients.moderate_note",
    "cases.delete_case",
    "planner.delete_task",
    "mailroom.delete_mailitem",
    "exports.export_clients",
    "portal.block_portaluser",  # block / unblock portal users (one, or the selected clients')
    "messaging.send_message",  # a message to many clients at once (a bulk action)
}
_ADMINISTRATOR_PERMS = _MANAGER_PERMS | {
    "clients.delete_client",
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_user",
    "accounts.add_apitoken",
    "jobs.view_job",  # every user's background jobs, not only their own
    "jobs.change_job",  # cancel anyone's background job
    "portal.change_portalsettings",  # Settings → Client portal
    "attributes.add_attribute",  # Ustawienia → Cechy klientów
    "attributes.change_attribute",
    "attributes.delete_attribute",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    ADMINISTRATOR: _ADMINISTRATOR_PERMS,
    MANAGER: _MANAGER_PERMS,
    EMPLOYEE: _EMPLOYEE_PERMS,
}


def _permissions(names: set[str]) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query))
    missing = names - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions in roles table: {sorted(missing)}")
    return found


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(names))
