"""Every route of the URL conf × every role × its methods: who gets in, who is refused, no 500s.

The routes are read from the URL conf, so a new one is checked without anyone remembering to:
a route missing from RULES fails `test_every_route_has_a_rule`. Each rule says, per method, the
lowest role that may use it (roles are ordered: outsider < employee < manager < administrator);
a method a rule does not name must answer 405. The expected outcome for a role follows:

- anonymous: the web redirects to the login page, the API answers 401 (PUBLIC routes let them in);
- a portal user (a client's login to the portal, role PORTAL) is anonymous to every staff page and
  the API; PORTAL routes (the portal's own pages) let only them in and send anonymous visitors
  and every staff role to the portal's login page;
- a role at or above the level: let in (not 401/403/404/405, never a redirect to the login page);
- a role below it: 403, or 404 where the object is outside the role's scope;
- never a 5xx for anyone.

Requests carry valid input, so that a refusal can only come from the permission check (an
invalid body would make the API answer 422 before it looks at the user).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from kartoteka.accounts.models import User
from kartoteka.accounts.roles import ROLE_PERMISSIONS
from kartoteka.accounts.services import api_token_create
from kartoteka.attributes.models import Attribute, AttributeOption, AttributeValue
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory
from kartoteka.contacts.tests.factories import ContactPersonFactory
from kartoteka.core.settings_pages import settings_pages_permissions
from kartoteka.jobs.models import Job
from kartoteka.mailroom.tests.factories import MailItemFactory
from kartoteka.mailroom.tests.files import png_bytes
from kartoteka.notifications.services import notification_create
from kartoteka.planner.tests.factories import TaskFactory
from kartoteka.portal.models import PortalSettings
from kartoteka.portal.tests.factories import PortalUserFactory, portal_logged_in

ANONYMOUS, OUTSIDER, EMPLOYEE, MANAGER, ADMINISTRATOR = "anonymous", "outsider", "employee", "manager", "administrator"
PORTAL = "portal"  # a portal user of the client the URLs point at (logged in to the portal only)
ROLES = (ANONYMOUS, OUTSIDER, EMPLOYEE, MANAGER, ADMINISTRATOR, PORTAL)
RANK = {OUTSIDER: 0, EMPLOYEE: 1, MANAGER: 2, ADMINISTRATOR: 3}
PUBLIC = "public"  # anyone, logged in or not
USER = OUTSIDER  # any logged-in account, even one without a role
STAFF_SITE = "staff-site"  # Django's admin: our roles are not staff, so it sends everyone to a login page
MISSING = "missing"  # 404 for everyone
NOBODY = "nobody"  # no role may (e.g. Settings while no app has a settings page): 403 for all, 401/login anonymous
OWNER_ONLY = "owner-only"  # only whoever started it (here someone else): 404 for every role, 401 anonymous

WEB_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class Objects:
    """What the URLs point at: made fresh for every case, so one case's POST can't spoil another."""

    author: User
    client: Any
    archived: Any
    note: Any
    group: Any
    label: Any
    job: Job
    contact: Any = None  # a contact person of `client`
    case: Any = None  # a case of `client`
    task: Any = None  # a task of `client`
    staff: Any = None  # a colleague with a role (tasks are assigned to staff)
    notification: Any = None  # someone else's (the author's) notification
    mail: Any = None  # a mail item of `client`, with a scan
    portal_user: Any = None  # a portal user of `client` (not the one the PORTAL role logs in as)
    attribute: Any = None  # a custom attribute (a list type, with one allowed value)
    portal_settings: Any = None  # portal users may edit their contact details (so the page exists)


@dataclass(frozen=True)
class Rule:
    levels: dict[str, str]  # method -> the lowest role allowed (or PUBLIC / STAFF_SITE)
    data: Callable[[Objects], dict[str, Any]] | dict[str, Any] = field(default_factory=dict)
    archived: bool = False  # client_id points at the archived client
    label: bool = False  # pk points at the label (else at the group)
    deny: tuple[int, ...] = (403, 404)
    multipart: bool = False  # an API request sent as a multipart form (a file upload), not JSON


def web(get: str | None = None, post: str | None = None, **kwargs: Any) -> Rule:
    levels = {m: lvl for m, lvl in (("GET", get), ("POST", post)) if lvl is not None}
    return Rule(levels, **kwargs)


def api(**methods_and_options: Any) -> Rule:
    levels = {m: methods_and_options.pop(m) for m in API_METHODS if m in methods_and_options}
    return Rule(levels, **methods_and_options)


CLIENT_FORM = {"first_name": "Anna", "last_name": "Nowak", "email": "anna.nowak@example.pl", "country": "PL"}
COLOURED = {"name": "Nowa nazwa", "color": "#123456"}
CONTACT = {"first_name": "Jan", "last_name": "Nowak", "email": "jan.nowak@example.pl"}
PICKUP = {"name": "Jan Kowalski"}


def _task_form(o: Objects) -> dict[str, Any]:
    return {"subject": "Nowe zadanie", "due_date": "2026-12-01", "assignees": [o.staff.pk]}


def _bulk(o: Objects) -> dict[str, Any]:
    return {"ids": [o.client.pk], "mode": "ids", "list": "clients"}


def _bulk_api(o: Objects, archived: bool = False) -> dict[str, Any]:
    return {"ids": [(o.archived if archived else o.client).pk]}


def _settings_level() -> str:
    """The lowest role that may open at least one Settings page (the pages come from the apps)."""
    needed = settings_pages_permissions()
    for role in (OUTSIDER, EMPLOYEE, MANAGER, ADMINISTRATOR):
        if role != OUTSIDER and needed & ROLE_PERMISSIONS[role]:
            return role
    return NOBODY


RULES: dict[str, Rule] = {
    "settings": web(get=_settings_level()),
    # --- the web UI ----------------------------------------------------------------------
    "": web(get=USER, post=USER),  # the root redirects to the client list
    "accounts:login": web(get=PUBLIC, post=PUBLIC),
    "accounts:logout": web(post=USER),
    "accounts:password_change": web(get=USER, post=USER),  # anyone logged in changes their own
    "accounts:password_change_done": web(get=USER),
    "accounts:password_reset": web(get=PUBLIC, post=PUBLIC, data={"email": "nobody@example.pl"}),
    "accounts:password_reset_done": web(get=PUBLIC),
    "accounts:password_reset_confirm": web(get=PUBLIC, post=PUBLIC),  # a wrong token: "link not valid"
    "accounts:password_reset_complete": web(get=PUBLIC),
    "set_language": web(get=PUBLIC, post=PUBLIC, data={"language": "en"}),
    "clients:list": web(get=EMPLOYEE),
    "clients:count": web(get=EMPLOYEE),
    "clients:archive": web(get=EMPLOYEE),
    "clients:create": web(get=EMPLOYEE, post=EMPLOYEE, data=CLIENT_FORM),
    "clients:detail": web(get=EMPLOYEE),
    "clients:edit": web(get=EMPLOYEE, post=EMPLOYEE, data=CLIENT_FORM),
    "clients:status": web(post=EMPLOYEE, data={"status": "inactive"}),
    "clients:notes": web(get=EMPLOYEE),
    "clients:note_create": web(post=EMPLOYEE, data={"text": "Nowa notatka"}),
    # The note is someone else's: its author or a manager (moderate_note) may change it.
    "clients:note_edit": web(get=MANAGER, post=MANAGER, data={"text": "Zmieniona"}),
    "clients:note_delete": web(post=MANAGER),
    "clients:history": web(get=EMPLOYEE),
    "clients:group_quick_create": web(post=EMPLOYEE, data={"new_group_name": "Szybka", "new_group_color": "#123456"}),
    "clients:sets": web(get=EMPLOYEE, post=EMPLOYEE, data=COLOURED),  # kind=groups: employees add groups
    "clients:set_edit": web(get=MANAGER, post=MANAGER, data=COLOURED),
    "bulk:run": web(post=MANAGER, data=_bulk),  # name=archive
    "bulk:client_archive": web(get=MANAGER, post=MANAGER),
    "bulk:client_restore": web(get=MANAGER, post=MANAGER, archived=True),
    "bulk:client_delete": web(get=ADMINISTRATOR, post=ADMINISTRATOR, archived=True, data={"confirm_count": "1"}),
    # The job was started by someone else: only those who see every job (administrators) find it.
    "contacts:list": web(get=EMPLOYEE),
    "contacts:create": web(get=EMPLOYEE, post=EMPLOYEE, data=CONTACT),
    "contacts:edit": web(get=EMPLOYEE, post=EMPLOYEE, data=CONTACT),
    "contacts:delete": web(get=EMPLOYEE, post=EMPLOYEE),
    "contacts:pickup_check": web(post=EMPLOYEE, data=PICKUP),
    "jobs:detail": web(get=ADMINISTRATOR, deny=(404,)),
    "jobs:cancel": web(post=ADMINISTRATOR, deny=(404,)),
    "jobs:file": web(get=OWNER_ONLY),  # a job's file is its starter's alone (R8), administrators too
    "jobs:items_csv": web(get=ADMINISTRATOR, deny=(404,)),
    "jobs:bell": web(get=USER),  # one's own jobs: nothing to refuse
    "jobs:seen": web(post=USER),
    "cases:list": web(get=EMPLOYEE),
    "cases:detail": web(get=EMPLOYEE),
    "cases:edit": web(get=EMPLOYEE, post=EMPLOYEE, data=lambda o: {"title": "Zmieniona", "version": o.case.version}),
    "cases:close": web(post=EMPLOYEE),
    "cases:reopen": web(post=EMPLOYEE),  # the case is open: refused by the rule (a message), not by the role
    "cases:delete": web(get=MANAGER, post=MANAGER),
    "cases:client_tab": web(get=EMPLOYEE),
    "cases:create": web(get=EMPLOYEE, post=EMPLOYEE, data={"title": "Nowa sprawa"}),
    "jobs:notified": web(post=USER),
    "planner:list": web(get=EMPLOYEE),
    "planner:mine": web(get=EMPLOYEE),
    "planner:badge": web(get=USER),  # one's own count (0 without tasks to see)
    "planner:client_tab": web(get=EMPLOYEE),
    "planner:create": web(get=EMPLOYEE, post=EMPLOYEE, data=lambda o: _task_form(o)),
    "planner:edit": web(get=EMPLOYEE, post=EMPLOYEE, data=lambda o: {**_task_form(o), "version": o.task.version}),
    "planner:done": web(post=EMPLOYEE),
    "planner:reopen": web(post=EMPLOYEE),  # the task is not done: refused by the rule (a message), not by the role
    "planner:delete": web(get=MANAGER, post=MANAGER),
    # One's own notifications only: another's (this one is the author's) sends one to the list.
    "notifications:list": web(get=USER),
    "notifications:open": web(get=USER),
    "notifications:read": web(post=USER),
    "notifications:read_all": web(post=USER),
    "mailroom:list": web(get=EMPLOYEE),
    "mailroom:client_tab": web(get=EMPLOYEE),
    "mailroom:create": web(get=EMPLOYEE, post=EMPLOYEE, data=lambda o: {"client": o.client.pk, "sender": "Poczta"}),
    "mailroom:edit": web(get=EMPLOYEE, post=EMPLOYEE, data={"sender": "Zmieniony", "kind": "letter"}),
    # The contact person may not collect mail: refused by the rule (a message), not by the role.
    "mailroom:collect": web(get=EMPLOYEE, post=EMPLOYEE, data=lambda o: {"contact": o.contact.pk}),
    "mailroom:forward": web(get=EMPLOYEE, post=EMPLOYEE, data={"forwarded_to": "ul. Długa 1, Kraków"}),
    "mailroom:scan": web(get=EMPLOYEE, post=EMPLOYEE),  # no file sent: a message, after the permission check
    "mailroom:scan_file": web(get=EMPLOYEE),
    "mailroom:delete": web(get=MANAGER, post=MANAGER),
    # Messages: everyone on the staff reads a client's messages and sends one client's business card;
    # a message to many clients (the bulk action and its preview) is for managers, as exports are.
    "messaging:client_tab": web(get=EMPLOYEE),
    "messaging:send_vcard": web(
        get=EMPLOYEE,
        post=EMPLOYEE,
        data={"recipient": "partner@example.pl", "subject": "Wizytówka", "body": "W załączniku"},
    ),
    "messaging:vcard": web(get=EMPLOYEE),
    "messaging:preview": web(post=MANAGER, data=lambda o: {**_bulk(o), "subject": "Hej", "body": "Hej"}),
    "portal_staff:client_tab": web(get=EMPLOYEE),
    "portal_staff:invite": web(post=EMPLOYEE, data={"email": "nowy.portal@example.pl"}),
    "portal_staff:block": web(post=MANAGER),
    "portal_staff:unblock": web(post=MANAGER),  # not blocked: refused by the rule (a message), not by the role
    "portal_staff:settings": web(get=ADMINISTRATOR, post=ADMINISTRATOR, data={"clients_may_edit_contact": "on"}),
    # --- the client portal (its own login; staff sessions do not count) -------------------
    "portal:home": web(get=PORTAL, post=PORTAL),
    "portal:details": web(get=PORTAL, post=PORTAL, data={"city": "Gdańsk"}),  # allowed in Settings (fixture)
    "portal:cases": web(get=PORTAL),
    "portal:case": web(get=PORTAL),
    "portal:mail": web(get=PORTAL),
    "portal:mail_scan": web(get=PORTAL),
    "portal:notifications": web(get=PORTAL, post=PORTAL, data={"mail": "email", "cases": "none", "news": "none"}),
    "portal:login": web(get=PUBLIC, post=PUBLIC, data={"email": "nobody@example.pl", "password": "x"}),
    "portal:logout": web(post=PUBLIC),  # ends a portal session if there is one
    "portal:invitation": web(get=PUBLIC, post=PUBLIC),  # a wrong token: "link not valid"
    "portal:reset": web(get=PUBLIC, post=PUBLIC, data={"email": "nobody@example.pl"}),
    "portal:reset_sent": web(get=PUBLIC, post=PUBLIC),
    "portal:reset_confirm": web(get=PUBLIC, post=PUBLIC),
    # Ustawienia → Cechy klientów: administrators define the attributes.
    "attributes:list": web(get=ADMINISTRATOR),
    "attributes:create": web(
        get=ADMINISTRATOR, post=ADMINISTRATOR, data={"name": "Nowa", "key": "nowa", "type": "text"}
    ),
    "attributes:edit": web(get=ADMINISTRATOR, post=ADMINISTRATOR, data={"name": "Zmieniona", "key": "segment"}),
    "attributes:delete": web(get=ADMINISTRATOR, post=ADMINISTRATOR),
    # --- the REST API (keyed by route: ninja's URL names repeat across groups and labels) ---
    # ninja's root is a JSON 404 for everyone; the schema and the docs page are read-only (405 else).
    "api/": api(**dict.fromkeys(API_METHODS, MISSING)),
    "api/openapi.json": api(GET=PUBLIC),
    "api/docs": api(GET=PUBLIC),
    "^api/(?P<path>.*)$": api(**dict.fromkeys(API_METHODS, MISSING)),  # unknown endpoints: JSON 404
    "api/clients": api(GET=EMPLOYEE, POST=EMPLOYEE, data={"first_name": "Ala", "email": "ala.api@example.pl"}),
    # PATCH/PUT of the archived client are refused by the archive rule (409) after the permission check.
    "api/clients/<client_id>": api(
        GET=EMPLOYEE, PATCH=EMPLOYEE, PUT=EMPLOYEE, DELETE=ADMINISTRATOR, archived=True, data={"city": "Kraków"}
    ),
    "api/clients/<client_id>/status": api(POST=EMPLOYEE, data={"status": "inactive"}),
    "api/clients/<client_id>/notes": api(GET=EMPLOYEE, POST=EMPLOYEE, data={"text": "Z API"}),
    "api/clients/<client_id>/notes/<note_id>": api(PATCH=MANAGER, DELETE=MANAGER, data={"text": "Zmieniona"}),
    "api/groups": api(GET=EMPLOYEE, POST=EMPLOYEE, data=COLOURED),
    "api/groups/<pk>": api(GET=EMPLOYEE, PATCH=MANAGER, DELETE=MANAGER, data=COLOURED),
    "api/labels": api(GET=EMPLOYEE, POST=MANAGER, data=COLOURED),
    "api/labels/<pk>": api(GET=EMPLOYEE, PATCH=MANAGER, DELETE=MANAGER, data=COLOURED, label=True),
    "api/clients/bulk/archive": api(POST=MANAGER, data=_bulk_api),
    "api/clients/bulk/restore": api(POST=MANAGER, data=lambda o: _bulk_api(o, archived=True)),
    "api/clients/bulk/delete": api(
        POST=ADMINISTRATOR, data=lambda o: {**_bulk_api(o, archived=True), "confirm_count": 1}
    ),
    "api/clients/bulk/group_add": api(POST=MANAGER, data=lambda o: {**_bulk_api(o), "group": o.group.pk}),
    "api/clients/bulk/group_remove": api(POST=MANAGER, data=lambda o: {**_bulk_api(o), "group": o.group.pk}),
    "api/clients/bulk/label_add": api(POST=MANAGER, data=lambda o: {**_bulk_api(o), "label": o.label.pk}),
    "api/clients/bulk/label_remove": api(POST=MANAGER, data=lambda o: {**_bulk_api(o), "label": o.label.pk}),
    "api/clients/bulk/set_status": api(POST=MANAGER, data=lambda o: {**_bulk_api(o), "status": "inactive"}),
    "api/clients/bulk/export": api(POST=MANAGER, data=lambda o: {**_bulk_api(o), "format": "csv"}),
    "api/clients/bulk/send_message": api(
        POST=MANAGER, data=lambda o: {**_bulk_api(o), "subject": "Hej", "body": "Hej"}
    ),
    "api/messages/preview": api(POST=MANAGER, data=lambda o: {"client_id": o.client.pk, "subject": "a", "body": "b"}),
    "api/messages/variables": api(GET=MANAGER),
    "api/clients/<client_id>/messages": api(GET=EMPLOYEE),
    "api/clients/<client_id>/send-vcard": api(POST=EMPLOYEE, data={"recipient": "partner@example.pl"}),
    "api/clients/<client_id>/vcard": api(GET=EMPLOYEE),
    # An export is its starter's alone (administrators included see only their own here).
    "api/exports/<export_id>": api(GET=OWNER_ONLY),
    "api/exports/<export_id>/download": api(GET=OWNER_ONLY),
    "api/clients/<client_id>/archive": api(POST=MANAGER),
    "api/clients/<client_id>/restore": api(POST=MANAGER, archived=True),
    "api/archive": api(GET=EMPLOYEE),
    "api/clients/<client_id>/contacts": api(GET=EMPLOYEE, POST=EMPLOYEE, data=CONTACT),
    "api/contacts/<contact_id>": api(GET=EMPLOYEE, PATCH=EMPLOYEE, DELETE=EMPLOYEE, data={"position": "Prezes"}),
    "api/clients/<client_id>/mail-pickup-check": api(POST=EMPLOYEE, data=PICKUP),
    "api/cases": api(GET=EMPLOYEE, POST=EMPLOYEE, data=lambda o: {"client": o.client.pk, "title": "Z API"}),
    "api/cases/<case_id>": api(GET=EMPLOYEE, PATCH=EMPLOYEE, DELETE=MANAGER, data={"title": "Zmieniona"}),
    "api/cases/<case_id>/close": api(POST=EMPLOYEE),
    # The case is open: reopening it is refused by the rule (409) after the permission check.
    "api/cases/<case_id>/reopen": api(POST=EMPLOYEE),
    "api/tasks": api(
        GET=EMPLOYEE,
        POST=EMPLOYEE,
        data=lambda o: {"client": o.client.pk, "subject": "Z API", "due_date": "2026-12-01"},
    ),
    "api/tasks/<task_id>": api(GET=EMPLOYEE, PATCH=EMPLOYEE, DELETE=MANAGER, data={"subject": "Zmienione"}),
    "api/tasks/<task_id>/done": api(POST=EMPLOYEE),
    # The task is not done: reopening it is refused by the rule (409) after the permission check.
    "api/tasks/<task_id>/reopen": api(POST=EMPLOYEE),
    "api/clients/bulk/create_task": api(
        POST=MANAGER,
        data=lambda o: {**_bulk_api(o), "subject": "Zbiorczo", "due_date": "2026-12-01", "assignees": [o.staff.pk]},
    ),
    "api/mail": api(GET=EMPLOYEE, POST=EMPLOYEE, data=lambda o: {"client": o.client.pk, "sender": "Z API"}),
    "api/mail/<mail_id>": api(GET=EMPLOYEE, PATCH=EMPLOYEE, DELETE=MANAGER, data={"sender": "Zmieniony"}),
    # The contact person may not collect mail: refused by the rule (409) after the permission check.
    "api/mail/<mail_id>/collect": api(POST=EMPLOYEE, data=lambda o: {"contact": o.contact.pk}),
    "api/mail/<mail_id>/forward": api(POST=EMPLOYEE, data={"forwarded_to": "ul. Długa 1, Kraków"}),
    "api/mail/<mail_id>/scan": api(
        GET=EMPLOYEE, POST=EMPLOYEE, multipart=True, data=lambda o: {"file": SimpleUploadedFile("s.png", png_bytes())}
    ),
    "api/attributes": api(GET=EMPLOYEE, POST=ADMINISTRATOR, data={"name": "Z API", "key": "z_api", "type": "text"}),
    "api/attributes/<attribute_id>": api(
        GET=EMPLOYEE, PATCH=ADMINISTRATOR, DELETE=ADMINISTRATOR, data={"name": "Inna"}
    ),
    "api/clients/bulk/set_attribute": api(
        POST=MANAGER, data=lambda o: {**_bulk_api(o), "attribute": o.attribute.pk, "value": "Handel"}
    ),
    "api/clients/bulk/clear_attribute": api(POST=MANAGER, data=lambda o: {**_bulk_api(o), "attribute": o.attribute.pk}),
    "api/clients/<client_id>/portal-users": api(GET=EMPLOYEE, POST=EMPLOYEE, data={"email": "nowy@example.pl"}),
    "api/portal-users/<user_id>/block": api(POST=MANAGER),
    "api/portal-users/<user_id>/unblock": api(POST=MANAGER),  # not blocked: refused by the rule (409)
    "api/clients/bulk/block_users": api(POST=MANAGER, data=_bulk_api),
    "api/clients/bulk/unblock_users": api(POST=MANAGER, data=_bulk_api),
    "api/jobs": api(GET=USER),  # the jobs one may see (one's own; every job for administrators)
    "api/jobs/<job_id>": api(GET=ADMINISTRATOR, deny=(404,)),
    "api/jobs/<job_id>/cancel": api(POST=ADMINISTRATOR, deny=(404,)),
    "api/jobs/<job_id>/items": api(GET=ADMINISTRATOR, deny=(404,)),
    "api/jobs/<job_id>/file": api(GET=OWNER_ONLY),  # the starter's alone, as the web's
    # --- Django's admin site (for staff accounts; none of the roles is staff) -------------
    "admin:*": web(get=STAFF_SITE, post=STAFF_SITE),
    "admin:login": web(get=PUBLIC, post=PUBLIC),
}


# --- walking the URL conf ----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, as Django's resolver reports it
    name: str | None
    key: str  # the RULES key

    @property
    def is_api(self) -> bool:
        return self.route.startswith(("api/", "^api/"))

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    def __str__(self) -> str:
        return self.key if self.key == self.route else f"{self.key} ({self.route})"


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str | None]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def all_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route in routes:  # ninja: one pattern per operation of the same path
            continue
        if route.startswith("admin/"):
            key = name if name in RULES else "admin:*"
        elif route.startswith(("api/", "^api/")):
            key = route
        else:
            key = name if name is not None else route
        routes[route] = Route(route, name, key)
    return list(routes.values())


def _url(route: str, values: dict[str, str]) -> str:
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)
    return "/" + url.replace("^", "").replace("$", "")


def _values(rule: Rule, o: Objects | None) -> dict[str, str]:
    if o is None:
        return {"object_id": "1", "content_type_id": "1", "app_label": "auth", "url": "no-such-page"}
    client = o.archived if rule.archived else o.client
    return {
        "client_id": str(client.pk), "note_id": str(o.note.pk), "job_id": str(o.job.pk),
        "pk": str((o.label if rule.label else o.group).pk),
        "case_id": str(o.case.pk),
        "kind": "groups", "name": "archive", "path": "no-such-endpoint", "uidb64": "MQ", "token": "wrong-token",
        "contact_id": str(o.contact.pk), "export_id": str(o.job.pk),
        "task_id": str(o.task.pk), "notification_id": str(o.notification.pk),
        "mail_id": str(o.mail.pk), "user_id": str(o.portal_user.pk), "attribute_id": str(o.attribute.pk),
    }  # fmt: skip


ROUTES = all_routes()


def _cases() -> Iterator[Any]:
    for route in ROUTES:
        rule = RULES.get(route.key)
        if rule is None:
            continue  # test_every_route_has_a_rule names it
        methods = API_METHODS if route.is_api else WEB_METHODS
        for method in methods:
            # A method no API operation of the path has is refused (405) before anyone is asked
            # who they are: two roles show it.
            undeclared_extra = method not in WEB_METHODS and method not in rule.levels
            for role in (ANONYMOUS, EMPLOYEE) if undeclared_extra else ROLES:
                yield pytest.param(route, method, role, id=f"{route.key}-{method}-{role}")


def test_every_route_has_a_rule():
    missing = [str(route) for route in ROUTES if route.key not in RULES]
    assert not missing, f"Routes without a permission rule in {__name__}.RULES: {missing}"


def test_every_rule_has_a_route():
    keys = {route.key for route in ROUTES}
    assert not set(RULES) - keys, f"Rules for routes that no longer exist: {sorted(set(RULES) - keys)}"


# --- the cases ---------------------------------------------------------------------------


def _user(username: str, role: str | None) -> User:
    user = User.objects.create_user(username=username, password=None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def objects(db, settings, tmp_path) -> Objects:
    author = _user("author", None)
    settings.KARTOTEKA_JOB_FILES_DIR = tmp_path
    settings.KARTOTEKA_MAIL_SCAN_DIR = tmp_path / "mail-scans"
    (tmp_path / "mail-scans").mkdir()
    (tmp_path / "mail-scans" / "stored-scan").write_bytes(png_bytes())
    (tmp_path / "stored-export").write_text("id;name\n")
    ClientGroupFactory()  # so that the group's id differs from the label's (a wrong id in a URL shows)
    group, label = ClientGroupFactory(), LabelFactory()
    client = ClientFactory(groups=[group], labels=[label])
    staff = _user("colleague", "employee")
    return Objects(
        author=author,
        client=client,
        archived=ClientFactory(status="inactive", archived_at=timezone.now()),
        note=NoteFactory(client=client, author=author),
        group=group,
        label=label,
        case=CaseFactory(client=client),
        job=Job.objects.create(
            started_by=author, action="bulk.export", total=1, file_path="stored-export", file_name="export.csv"
        ),
        contact=ContactPersonFactory(client=client),
        task=TaskFactory(client=client, assignees=[staff]),
        staff=staff,
        notification=notification_create(recipient=author, kind="planner.task_done", text="Zrobione", client=client),
        mail=MailItemFactory(
            client=client, status="scanned", scan_file="stored-scan", scan_name="skan.png", scan_type="image/png"
        ),
        portal_user=PortalUserFactory(client=client),
        attribute=_attribute(client),
        portal_settings=PortalSettings.objects.create(clients_may_edit_contact=True),
    )


def _attribute(client: Any) -> Any:
    """A list attribute whose one value the client has (so that clearing it has something to do)."""
    attribute = Attribute.objects.create(name="Segment", name_key="segment", key="segment", type="choice")
    option = AttributeOption.objects.create(attribute=attribute, label="Handel", label_key="handel")
    AttributeValue.objects.create(client=client, attribute=attribute, option=option)
    return attribute


def _http_client(route: Route, role: str, o: Objects | None) -> HttpClient:
    if role == ANONYMOUS:
        return HttpClient()
    if role == PORTAL:  # logged in to the portal as a user of the URLs' client (the staff cookie: none)
        return portal_logged_in(PortalUserFactory(client=o.client if o else ClientFactory()))
    user = _user(f"{role}-user", None if role == OUTSIDER else role)
    if route.is_api:
        return HttpClient(headers={"Authorization": f"Bearer {api_token_create(user=user)}"})
    http = HttpClient()
    http.force_login(user)
    return http


def _request(http: HttpClient, route: Route, method: str, url: str, data: dict[str, Any], multipart: bool) -> Any:
    if route.is_api and multipart:
        return http.post(url, data) if method == "POST" else http.generic(method, url, "")
    if route.is_api:
        body = json.dumps(data) if method in ("POST", "PUT", "PATCH") else None
        return http.generic(method, url, body or "", content_type="application/json")
    if method == "POST":
        return http.post(url, data)
    return http.get(url)


def _expected(rule: Rule, route: Route, method: str, role: str) -> str:
    level = rule.levels.get(method)
    if PORTAL in rule.levels.values():  # the portal's pages: its users, or its login page
        return "allow" if role == PORTAL and level == PORTAL else "405" if role == PORTAL else "portal-login"
    if role == PORTAL:  # to staff pages and the API a portal user is anonymous
        role = ANONYMOUS
    if level is None:
        public = PUBLIC in rule.levels.values()
        return "login" if role == ANONYMOUS and not route.is_api and not public else "405"
    if level == NOBODY:
        return "login" if role == ANONYMOUS else "deny"
    if level == OWNER_ONLY:
        return "login" if role == ANONYMOUS else MISSING
    if level in (PUBLIC, STAFF_SITE, MISSING):
        return level
    if role == ANONYMOUS:
        return "login"
    return "allow" if RANK[role] >= RANK[level] else "deny"


def _is_login_redirect(response: Any, login_path: str = "/accounts/login/") -> bool:
    """Sent to log in first (logging out also lands on the login page, but without `next`)."""
    return response.status_code == 302 and str(response["Location"]).startswith(f"{login_path}?next=")


@pytest.mark.parametrize(("route", "method", "role"), list(_cases()))
def test_permission_matrix(db, request, settings, route, method, role):
    settings.LANGUAGE_CODE = "en"
    rule = RULES[route.key]
    objects = None if route.is_admin else request.getfixturevalue("objects")  # the admin needs none
    url = _url(route.route, _values(rule, objects))
    assert resolve(url).route.replace("^", "") == route.route.replace("^", ""), f"{url} does not reach {route}"
    data = rule.data if not callable(rule.data) else rule.data(objects) if objects else {}
    response = _request(_http_client(route, role, objects), route, method, url, data, rule.multipart)
    status = response.status_code
    expected = _expected(rule, route, method, role)
    where = f"{method} {url} as {role}: {status}, expected {expected}"

    assert status < 500, where
    if expected == "portal-login":
        assert _is_login_redirect(response, "/portal/login/"), where
    elif expected == "login":
        if route.is_api:
            assert status == 401, where
        else:
            assert _is_login_redirect(response), where
    elif expected == "405":
        assert status in ((401, 405) if role in (ANONYMOUS, PORTAL) and route.is_api else (405,)), where
    elif expected == "deny":
        assert status in rule.deny, where
    elif expected == MISSING:
        assert status == 404, where
    elif expected == STAFF_SITE:
        # to a login page, or (logging out of a site one never entered) back to the admin's index
        sent_away = status == 302 and response["Location"].startswith(("/admin/", "/accounts/login/?next="))
        assert sent_away or status in (403, 404, 405), where
    else:  # "allow" or PUBLIC
        assert status not in (401, 403, 404, 405), where
        assert not _is_login_redirect(response), where
