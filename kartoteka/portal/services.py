"""Every write of the portal app: invitations, passwords, blocking, settings, preferences.

Staff services take `actor=` (a staff user, or a SystemActor such as the web form) and check its
permission; what a portal user does is recorded with `portal_actor(user)`, a SystemActor named
after the portal user (it has no staff user row), holding only what the portal lets it do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kartoteka.audit.services import audit_record
from kartoteka.clients.models import Client
from kartoteka.clients.validation import check_text, normalise_email
from kartoteka.core.actors import Actor, SystemActor, user_of
from kartoteka.core.errors import ApplicationError, PermissionDenied, ValidationError
from kartoteka.core.permissions import require_perm
from kartoteka.portal.models import NotificationPreference, PortalSettings, PortalUser

INVITE_PERMISSION = "portal.add_portaluser"
BLOCK_PERMISSION = "portal.block_portaluser"
SETTINGS_PERMISSION = "portal.change_portalsettings"


class AddressTaken(ApplicationError):
    """The address is another client's portal login (a login is one person of one client): a
    conflict with what exists (409 in the API), not a malformed value."""

    def __init__(self) -> None:
        super().__init__(_("This address already has a portal account of another client."))


class PortalUserExists(ApplicationError):
    """The address already has an activated account of this client: nothing was sent."""

    def __init__(self, user: PortalUser) -> None:
        super().__init__(
            _(
                "%(email)s already has a portal account of this client. "
                "A forgotten password can be reset from the portal's login page."
            )
            % {"email": user.email}
        )
        self.user = user


def portal_actor(user: PortalUser) -> SystemActor:
    """A portal user as the actor of a service (audit entries name them; they hold no staff role)."""
    return SystemActor(name=f"portal:{user.email}", permissions=frozenset({"clients.change_client"}))


def _clean_invite(email: str, name: str) -> tuple[str, str]:
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for field, raw, limit in (("email", email, 254), ("name", name, 200)):
        try:
            value = check_text(str(raw or ""), limit=limit)
            values[field] = normalise_email(value) if field == "email" else value.strip()
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return values["email"], values["name"]


def portal_user_invite(
    *, actor: Actor, client: Client, email: str, name: str = "", language: str | None = None
) -> PortalUser:
    """Invite a person to the client's portal: create the portal user if needed and e-mail a link.

    The link (valid KARTOTEKA_PORTAL_INVITE_HOURS, once) opens the page that sets the password.
    An address already invited to this client but not yet activated gets a new link (the old
    ones stop working); an activated one raises PortalUserExists; an address that is a portal
    user of another client raises AddressTaken. The e-mail is sent by the worker
    after the commit. Every refusal is raised before anything is written, and the write is its
    own savepoint, so a caller's transaction (the web form creates a client and invites in one)
    survives a refusal it catches.
    """
    require_perm(actor, INVITE_PERMISSION)
    email, name = _clean_invite(email, name)
    if client.is_archived:
        raise ApplicationError(_("This client is in the archive. Restore it before inviting its users."))
    user = _invitable(client, email)
    try:
        with transaction.atomic():
            if user is None:
                user = PortalUser(client=client, email=email)
            user.name = name or user.name
            user.invited_at, user.invited_by = timezone.now(), user_of(actor)
            user.set_unusable_password()  # a fresh random hash: earlier invitation links stop working
            user.save()
            audit_record(actor=actor, event_type="portal.user.invited", client=client, details={"email": email})
    except IntegrityError:  # invited elsewhere at the same moment
        raise AddressTaken from None
    _send_after_commit("invitation", user, language)
    return user


def _invitable(client: Client, email: str) -> PortalUser | None:
    """The existing portal user with that address to invite again, or None; refusals raised."""
    user = PortalUser.objects.filter(email=email).first()
    if user is not None and user.client_id != client.pk:
        raise AddressTaken
    if user is not None and user.is_activated:
        raise PortalUserExists(user)
    return user


def _send_after_commit(kind: str, user: PortalUser, language: str | None) -> None:
    from kartoteka.portal.tasks import portal_link_mail_task

    lang = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: portal_link_mail_task.enqueue(kind=kind, portal_user_id=user.pk, language=lang))


@transaction.atomic(durable=True)
def portal_password_set(*, user: PortalUser, password: str) -> PortalUser:
    """The person behind a valid link chose a password (the form validated it); earlier links die."""
    user.set_password(password)
    first = user.activated_at is None
    if first:
        user.activated_at = timezone.now()
    user.save(update_fields=["password", "activated_at"])
    event = "portal.user.activated" if first else "portal.user.password_reset"
    audit_record(actor=portal_actor(user), event_type=event, client=user.client, details={"email": user.email})
    return user


def portal_password_reset_enqueue(*, email: str, language: str) -> None:
    """Send a reset link to `email` if it is a portal user who may log in (looked up by the worker)."""
    from kartoteka.portal.tasks import portal_reset_mail_task

    transaction.on_commit(lambda: portal_reset_mail_task.enqueue(email=email, language=language))


# --- blocking -----------------------------------------------------------------------------


def block_rows(users: QuerySet[PortalUser], *, now: Any) -> int:
    """Block the users that are not blocked yet (one UPDATE); their sessions end at their next request."""
    return users.filter(blocked_at__isnull=True).update(blocked_at=now)


def unblock_rows(users: QuerySet[PortalUser]) -> int:
    return users.filter(blocked_at__isnull=False).update(blocked_at=None)


@transaction.atomic(durable=True)
def portal_user_block(*, actor: Actor, user: PortalUser) -> PortalUser:
    require_perm(actor, BLOCK_PERMISSION)
    if user.is_blocked:
        raise ApplicationError(_("This portal user is already blocked."))
    block_rows(PortalUser.objects.filter(pk=user.pk), now=timezone.now())
    user.refresh_from_db()
    audit_record(actor=actor, event_type="portal.user.blocked", client=user.client, details={"email": user.email})
    return user


@transaction.atomic(durable=True)
def portal_user_unblock(*, actor: Actor, user: PortalUser) -> PortalUser:
    require_perm(actor, BLOCK_PERMISSION)
    if not user.is_blocked:
        raise ApplicationError(_("This portal user is not blocked."))
    unblock_rows(PortalUser.objects.filter(pk=user.pk))
    user.refresh_from_db()
    audit_record(actor=actor, event_type="portal.user.unblocked", client=user.client, details={"email": user.email})
    return user


# --- settings and preferences -----------------------------------------------------------------


def portal_settings_get() -> PortalSettings:
    found = PortalSettings.objects.order_by("pk").first()
    return found if found is not None else PortalSettings(clients_may_edit_contact=False)


@transaction.atomic(durable=True)
def portal_settings_update(*, actor: Actor, clients_may_edit_contact: bool) -> PortalSettings:
    require_perm(actor, SETTINGS_PERMISSION)
    current = PortalSettings.objects.select_for_update().order_by("pk").first() or PortalSettings()
    before = current.clients_may_edit_contact if current.pk else False
    current.clients_may_edit_contact = bool(clients_may_edit_contact)
    current.save()
    audit_record(
        actor=actor,
        event_type="portal.settings.changed",
        changes={"clients_may_edit_contact": [before, current.clients_may_edit_contact]},
    )
    return current


def notification_channels(user: PortalUser) -> dict[str, str]:
    """Topic → channel for one portal user (the defaults where nothing was chosen)."""
    chosen = dict(user.notification_preferences.values_list("topic", "channel"))
    return {
        topic.value: chosen.get(topic.value, default.value)
        for topic, default in NotificationPreference.DEFAULTS.items()
    }


@transaction.atomic(durable=True)
def notification_preferences_save(*, user: PortalUser, channels: Mapping[str, str]) -> dict[str, str]:
    """Store the chosen channel of every topic; a message per unknown topic or channel, nothing saved."""
    topics, valid = set(NotificationPreference.Topic.values), set(NotificationPreference.Channel.values)
    errors = {
        t: [_("Choose one of the offered channels.")] for t, c in channels.items() if t in topics and c not in valid
    }
    errors |= {t: [_("Unknown message type.")] for t in channels if t not in topics}
    if errors:
        raise ValidationError(errors)
    before = notification_channels(user)
    for topic, channel in channels.items():
        NotificationPreference.objects.update_or_create(portal_user=user, topic=topic, defaults={"channel": channel})
    after = notification_channels(user)
    changes = {t: [before[t], after[t]] for t in after if before[t] != after[t]}
    if changes:
        audit_record(
            actor=portal_actor(user), event_type="portal.preferences.changed", client=user.client, changes=changes
        )
    return after


# --- what portal users change themselves ------------------------------------------------------

CONTACT_FIELDS = ("email", "phone", "website", "street", "city", "postal_code", "country")


def portal_contact_update(*, user: PortalUser, data: Mapping[str, Any], expected_version: int) -> Client:
    """The portal user changes their client's contact details, when the business allows it.

    Through the clients' own service (validation, version check, History entry naming the portal
    user), limited to CONTACT_FIELDS. Duplicates are not asked about: the candidates are other
    clients, which a portal user must never see.
    """
    from kartoteka.clients.services import client_update

    if not portal_settings_get().clients_may_edit_contact:
        raise PermissionDenied(_("Your contact details can only be changed by the office."))
    values = {name: data[name] for name in CONTACT_FIELDS if name in data}
    return client_update(
        actor=portal_actor(user),
        client=user.client,
        data=values,
        allow_duplicates=True,
        expected_version=expected_version,
    )
