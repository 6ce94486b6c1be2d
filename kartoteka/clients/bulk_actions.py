"""The clients app's bulk actions (archive, restore, delete, groups, labels, status).

Discovered by the bulk app at start-up (BulkConfig.ready imports every app's `bulk_actions`);
a later module adds its actions in its own `bulk_actions.py` the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kartoteka.bulk.registry import ARCHIVE, CLIENTS, BulkAction, BulkContext, BulkParam, Skip, register
from kartoteka.clients import operations, selectors
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ARCHIVED = Skip("archived", _("in the archive (restore it first)"), lambda p: Q(archived_at__isnull=False))


def _groups(actor: Actor) -> Iterable[tuple[Any, Any]]:
    return list(selectors.groups_all(actor=actor).values_list("id", "name"))


def _labels(actor: Actor) -> Iterable[tuple[Any, Any]]:
    return list(selectors.labels_all(actor=actor).values_list("id", "name"))


def _members(field: str, param: str) -> Any:
    """Q: the client belongs to the group / label chosen in parameter `param`."""
    m2m: Any = Client._meta.get_field(field)
    through = m2m.remote_field.through

    def condition(params: Mapping[str, Any]) -> Q:
        links = through.objects.filter(**{m2m.m2m_reverse_field_name(): params[param]})
        return Q(id__in=links.values(m2m.m2m_field_name()))

    return condition


register(
    BulkAction(
        name="archive",
        label=_("Move to the archive"),
        permission="clients.archive_client",
        lists=(CLIENTS,),
        event_type="clients.client.archived",
        skips=(Skip("already_archived", _("already in the archive"), lambda p: Q(archived_at__isnull=False)),),
        apply=lambda clients, ctx: operations.archive_rows(clients, actor=ctx.actor, now=ctx.now),
        summary=ngettext_lazy(
            "%(count)s client will be moved to the archive.", "%(count)s clients will be moved to the archive.", "count"
        ),
        done=ngettext_lazy(
            "%(count)s client moved to the archive.", "%(count)s clients moved to the archive.", "count"
        ),
        warning=_(
            "The clients are not deleted for good: they wait in the archive (Clients → Archive), from where "
            "you can restore them. They become inactive and their portal users will not be able to log in."
        ),
        destructive=True,
        icon="bi-trash",
    )
)

register(
    BulkAction(
        name="restore",
        label=_("Restore"),
        permission="clients.archive_client",
        lists=(ARCHIVE,),
        event_type="clients.client.restored",
        skips=(Skip("not_archived", _("not in the archive"), lambda p: Q(archived_at__isnull=True)),),
        apply=lambda clients, ctx: operations.restore_rows(clients, actor=ctx.actor, now=ctx.now),
        summary=ngettext_lazy(
            "%(count)s client will be restored to the client list and become active again.",
            "%(count)s clients will be restored to the client list and become active again.",
            "count",
        ),
        done=ngettext_lazy("%(count)s client restored.", "%(count)s clients restored.", "count"),
        icon="bi-plus-circle",
    )
)


def _refusal_skip(refusal: operations.Refusal) -> Skip:
    label = cast("StrPromise", format_lazy(_("has {what}"), what=refusal.reason))
    return Skip(refusal.code, label, lambda params: refusal.condition)


register(
    BulkAction(
        name="delete",
        label=_("Delete permanently"),
        permission="clients.delete_client",
        lists=(ARCHIVE,),
        event_type="clients.client.deleted",
        skips=(
            Skip("not_archived", _("not in the archive"), lambda p: Q(archived_at__isnull=True)),
            # A client whose rows refuse deletion (open cases, by their declaration) stays and is
            # reported; one of them must not stop the deletion of all the others.
            *(_refusal_skip(refusal) for refusal in operations.refusals()),
        ),
        apply=lambda clients, ctx: operations.delete_rows(clients),
        summary=ngettext_lazy(
            "%(count)s client will be deleted permanently.", "%(count)s clients will be deleted permanently.", "count"
        ),
        done=ngettext_lazy("%(count)s client deleted permanently.", "%(count)s clients deleted permanently.", "count"),
        warning=_(
            "This cannot be undone. The clients are deleted together with everything that belongs to them "
            "(notes, memberships, contact persons, closed cases…); a client with unfinished work, such as an "
            "open case, is skipped. The audit log keeps the record that they were deleted."
        ),
        destructive=True,
        final=True,
        icon="bi-trash3",
    )
)


def _membership(field: str, param: str, *, add: bool) -> Any:
    def apply(clients: QuerySet[Client], ctx: BulkContext) -> int:
        change = operations.membership_add_rows if add else operations.membership_remove_rows
        return change(clients, field=field, target_id=ctx.params[param])

    return apply


_GROUP = BulkParam("group", _("Group"), _groups, int)
_LABEL = BulkParam("label", _("Label"), _labels, int)

register(
    BulkAction(
        name="group_add",
        label=_("Add to group"),
        permission="clients.change_client",
        lists=(CLIENTS,),
        event_type="clients.client.group_added",
        params=(_GROUP,),
        skips=(ARCHIVED, Skip("already_in_group", _("already in the group"), _members("groups", "group"))),
        apply=_membership("groups", "group", add=True),
        summary=ngettext_lazy(
            "%(count)s client will be added to the group.", "%(count)s clients will be added to the group.", "count"
        ),
        done=ngettext_lazy("%(count)s client added to the group.", "%(count)s clients added to the group.", "count"),
        icon="bi-collection",
    )
)

register(
    BulkAction(
        name="group_remove",
        label=_("Remove from group"),
        permission="clients.change_client",
        lists=(CLIENTS,),
        event_type="clients.client.group_removed",
        params=(_GROUP,),
        skips=(ARCHIVED, Skip("not_in_group", _("not in the group"), lambda p: ~_members("groups", "group")(p))),
        apply=_membership("groups", "group", add=False),
        summary=ngettext_lazy(
            "%(count)s client will be removed from the group.",
            "%(count)s clients will be removed from the group.",
            "count",
        ),
        done=ngettext_lazy(
            "%(count)s client removed from the group.", "%(count)s clients removed from the group.", "count"
        ),
        icon="bi-collection",
    )
)

register(
    BulkAction(
        name="label_add",
        label=_("Add label"),
        permission="clients.change_client",
        lists=(CLIENTS,),
        event_type="clients.client.label_added",
        params=(_LABEL,),
        skips=(ARCHIVED, Skip("already_labelled", _("already has the label"), _members("labels", "label"))),
        apply=_membership("labels", "label", add=True),
        summary=ngettext_lazy("%(count)s client will get the label.", "%(count)s clients will get the label.", "count"),
        done=ngettext_lazy("%(count)s client got the label.", "%(count)s clients got the label.", "count"),
        icon="bi-tag",
    )
)

register(
    BulkAction(
        name="label_remove",
        label=_("Remove label"),
        permission="clients.change_client",
        lists=(CLIENTS,),
        event_type="clients.client.label_removed",
        params=(_LABEL,),
        skips=(ARCHIVED, Skip("not_labelled", _("does not have the label"), lambda p: ~_members("labels", "label")(p))),
        apply=_membership("labels", "label", add=False),
        summary=ngettext_lazy(
            "%(count)s client will lose the label.", "%(count)s clients will lose the label.", "count"
        ),
        done=ngettext_lazy("%(count)s client lost the label.", "%(count)s clients lost the label.", "count"),
        icon="bi-tag",
    )
)

register(
    BulkAction(
        name="set_status",
        label=_("Set status"),
        permission="clients.change_client",
        lists=(CLIENTS,),
        event_type="clients.client.status_changed",
        params=(BulkParam("status", _("Status"), lambda actor: Client.Status.choices),),
        skips=(ARCHIVED, Skip("same_status", _("already has this status"), lambda p: Q(status=p["status"]))),
        apply=lambda clients, ctx: operations.status_rows(
            clients, status=ctx.params["status"], actor=ctx.actor, now=ctx.now
        ),
        summary=ngettext_lazy(
            "%(count)s client will get the new status.", "%(count)s clients will get the new status.", "count"
        ),
        done=ngettext_lazy("%(count)s client got the new status.", "%(count)s clients got the new status.", "count"),
        icon="bi-toggle-on",
    )
)
