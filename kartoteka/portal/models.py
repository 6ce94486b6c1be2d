"""Portal users: people who log in to the client portal on behalf of one client.

They are not staff: their own model (no groups, no permissions), their own login page, session
cookie and templates (kartoteka.portal.sessions). Passwords are hashed by Django's hashers
(AbstractBaseUser), so Argon2 as configured.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge


class PortalUser(AbstractBaseUser):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="portal_users")
    # The login; lower-cased like every stored address, unique among portal users.
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    invited_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    activated_at = models.DateTimeField(_("password set at"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    # Merge moves the accounts to the base client; anonymisation and deletion remove them.
    client_relation = ClientRelation(
        OnMerge.MOVE, OnAnonymise.DELETE, personal_fields=("email", "name"), on_delete=OnDelete.DELETE
    )

    class Meta:
        verbose_name = _("portal user")
        verbose_name_plural = _("portal users")
        permissions = [("block_portaluser", "Can block and unblock portal users")]
        indexes = [models.Index(fields=["client", "id"], name="portal_user_client_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(email=""), name="portal_portaluser_email_set"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None


class PortalSettings(models.Model):
    """The business's rules for the portal (one row, created on first use)."""

    clients_may_edit_contact = models.BooleanField(
        _("clients may edit their contact details"),
        default=False,
        help_text=_("Portal users may change the client's e-mail, phone, website and address themselves."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        return "portal settings"


class NotificationPreference(models.Model):
    """Which messages a portal user wants, and by which channel (none: not at all).

    Kept for the messaging app: it reads the channel per topic; missing rows mean the default.
    """

    class Topic(models.TextChoices):
        MAIL = "mail", _("New mail received for us")
        CASES = "cases", _("Changes in our cases")
        NEWS = "news", _("News and offers from the office")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message (SMS)")
        NONE = "none", _("Do not send")

    DEFAULTS = {Topic.MAIL: Channel.EMAIL, Topic.CASES: Channel.EMAIL, Topic.NEWS: Channel.NONE}

    portal_user = models.ForeignKey(PortalUser, on_delete=models.CASCADE, related_name="notification_preferences")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portal_user", "topic"], name="portal_preference_unique"),
            models.CheckConstraint(condition=Q(topic__in=["mail", "cases", "news"]), name="portal_preference_topic"),
            models.CheckConstraint(condition=Q(channel__in=["email", "sms", "none"]), name="portal_preference_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.channel}"
