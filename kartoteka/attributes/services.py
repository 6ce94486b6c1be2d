"""Every write to attributes and to clients' attribute values.

Definitions (Ustawienia → Cechy klientów, `/api/attributes`) are administrators' work
(`attributes.change_attribute` ...). A client's values are written inside the client's own
create / update (clients.services calls `client_values_clean` and `client_values_write` in its
transaction), and by the bulk actions through `set_rows` / `clear_rows` (set-based).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _

from kartoteka.attributes.models import KEY_MAX, NAME_MAX, OPTION_MAX, Attribute, AttributeOption, AttributeValue
from kartoteka.attributes.values import BadValue, Definition, definitions, fold
from kartoteka.audit.services import audit_record, field_changes
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.errors import ApplicationError, NotFound, ValidationError
from kartoteka.core.permissions import require_perm

KEY_PATTERN = rf"^[a-z][a-z0-9_]{{0,{KEY_MAX - 1}}}$"
_KEY = re.compile(KEY_PATTERN)
MAX_OPTIONS = 200
CLEAR = "clear"  # what to do with the clients of a removed value: clear it (or an option id: move them)
T = Attribute.Type


# --- definitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionIn:
    """An allowed value as the form or the API sends it: an existing one's id (to rename or keep it)
    or none (a new value)."""

    label: str
    id: int | None = None


class DefinitionConflict(ApplicationError):
    """A definition that clashes with what exists (a taken name or key, a type change, a value
    given twice): the API's 409; the web form shows it on `field`."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class _Clash(ValueError):
    pass


class ValuesInUse(ApplicationError):
    """Removing allowed values that clients have: the caller must say what happens to those clients."""

    def __init__(self, in_use: dict[int, int], options: Mapping[int, AttributeOption]) -> None:
        names = ", ".join(f"{options[i].label} ({n})" for i, n in in_use.items())
        super().__init__(
            _("Clients have the values you are removing: %(values)s. Say what happens to them.") % {"values": names},
            extra={"in_use": {str(i): n for i, n in in_use.items()}},
        )
        self.in_use = in_use


def _clean_name(raw: Any, exclude_id: int | None) -> str:
    name = _single_line(raw, NAME_MAX)
    if not name:
        raise BadValue(_("Enter a name."))
    if Attribute.objects.filter(name_key=fold(name)).exclude(pk=exclude_id or 0).exists():
        raise _Clash(_("This name is already taken."))
    return name


def _single_line(raw: Any, limit: int) -> str:
    if not isinstance(raw, str):
        raise BadValue(_("Enter text."))
    if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF for ch in raw):
        raise BadValue(_("Remove the control characters (such as NUL, tabs or line breaks) from this text."))
    text = raw.strip()
    if len(text) > limit:
        raise BadValue(_("Use at most %(limit)d characters.") % {"limit": limit})
    return text


def _clean_key(raw: Any, exclude_id: int | None) -> str:
    key = raw.strip() if isinstance(raw, str) else raw
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise BadValue(
            _("Use a-z, digits and _, starting with a letter, at most %(max)d characters (e.g. market_segment).")
            % {"max": KEY_MAX}
        )
    if Attribute.objects.filter(key=key).exclude(pk=exclude_id or 0).exists():
        raise _Clash(_("This key is already taken."))
    return key


def _clean_options(raw: Sequence[OptionIn], existing: Mapping[int, AttributeOption]) -> list[OptionIn]:
    if len(raw) > MAX_OPTIONS:
        raise BadValue(_("Use at most %(max)d values.") % {"max": MAX_OPTIONS})
    cleaned, seen = [], set()
    for option in raw:
        label = _single_line(option.label, OPTION_MAX)
        if not label:
            raise BadValue(_("A value cannot be empty; remove it instead."))
        if option.id is not None and option.id not in existing:
            raise NotFound(_("This attribute has no value with the id %(id)s.") % {"id": option.id})
        if fold(label) in seen:
            raise _Clash(_("The value “%(value)s” is given twice.") % {"value": label})
        seen.add(fold(label))
        cleaned.append(OptionIn(label, option.id))
    return cleaned


def _clean_definition(data: Mapping[str, Any], attribute: Attribute | None) -> dict[str, Any]:
    """Every field tried; one ValidationError with a message per bad field."""
    exclude_id = attribute.pk if attribute else None
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    clashes: dict[str, str] = {}
    cleaners = {
        "name": lambda v: _clean_name(v, exclude_id),
        "key": lambda v: _clean_key(v, exclude_id),
        "type": _clean_type,
        "required": _clean_flag,
        "position": _clean_position,
    }
    for name, cleaner in cleaners.items():
        try:
            values[name] = cleaner(data.get(name))
        except BadValue as exc:
            errors[name] = [str(exc)]
        except _Clash as exc:
            clashes[name] = str(exc)
    if attribute is not None and values.get("type", attribute.type) != attribute.type:
        clashes["type"] = _("The type cannot change once the attribute exists; create another attribute.")
    existing = {o.pk: o for o in attribute.options.all()} if attribute else {}
    try:
        values["options"] = _clean_options(data.get("options") or [], existing)
    except BadValue as exc:
        errors["options"] = [str(exc)]
    except _Clash as exc:
        clashes["options"] = str(exc)
    if values.get("type") not in (T.CHOICE, T.MULTI):
        values["options"] = []  # only list attributes have allowed values (others' are ignored)
    if errors:
        raise ValidationError(errors)
    if clashes:
        field, message = next(iter(clashes.items()))
        raise DefinitionConflict(message, field=field)
    return values


def _clean_type(raw: Any) -> str:
    if raw not in T.values:
        raise BadValue(_("Choose one of: %(choices)s.") % {"choices": ", ".join(T.values)})
    return str(raw)


def _clean_flag(raw: Any) -> bool:
    if raw in (None, ""):
        return False
    if isinstance(raw, bool):
        return raw
    raise BadValue(_("Choose yes or no (true or false)."))


def _clean_position(raw: Any) -> int:
    if raw in (None, ""):
        return 0
    if isinstance(raw, int) and not isinstance(raw, bool) and -10_000 <= raw <= 10_000:
        return raw
    if isinstance(raw, str) and re.fullmatch(r"-?[0-9]{1,5}", raw.strip()) and abs(int(raw)) <= 10_000:
        return int(raw)
    raise BadValue(_("Enter a whole number from %(min)s to %(max)s.") % {"min": -10_000, "max": 10_000})


def _snapshot(attribute: Attribute) -> dict[str, Any]:
    return {
        "name": attribute.name,
        "key": attribute.key,
        "type": attribute.type,
        "required": attribute.required,
        "position": attribute.position,
        "options": [o.label for o in attribute.options.all()],
    }


@transaction.atomic(durable=True)
def attribute_create(*, actor: Actor, data: Mapping[str, Any]) -> Attribute:
    require_perm(actor, "attributes.add_attribute")
    values = _clean_definition(data, None)
    attribute = Attribute(**{k: v for k, v in values.items() if k != "options"}, name_key=fold(values["name"]))
    _save(attribute)
    AttributeOption.objects.bulk_create(
        AttributeOption(attribute=attribute, label=o.label, label_key=fold(o.label), position=n)
        for n, o in enumerate(values["options"])
    )
    audit_record(
        actor=actor,
        event_type="attributes.attribute.created",
        details={"id": attribute.pk, "name": attribute.name},
        changes=field_changes({}, _snapshot(attribute)),
    )
    return attribute


def _save(attribute: Attribute) -> None:
    """Save; the unique name and key settle a race between two requests that both passed the check."""
    try:
        with transaction.atomic():
            attribute.save()
    except IntegrityError as exc:
        raise DefinitionConflict(_("This name or key is already taken."), field="name") from exc


@transaction.atomic(durable=True)
def attribute_update(
    *, actor: Actor, attribute: Attribute, data: Mapping[str, Any], removals: Mapping[int, Any] | None = None
) -> Attribute:
    """Change the definition. Options are matched by id: a new label renames (clients keep the
    value), a missing id removes it. Removing a value that clients have needs `removals`
    ({option id: "clear" or the id of the option to move them to}); without it ValuesInUse."""
    require_perm(actor, "attributes.change_attribute")
    attribute = Attribute.objects.select_for_update().get(pk=attribute.pk)
    before = _snapshot(attribute)
    existing = {o.pk: o for o in attribute.options.all()}
    stored = [OptionIn(o.label, o.pk) for o in existing.values()]
    values = _clean_definition({**before, "options": stored, **data}, attribute)
    kept_ids = {o.id for o in values["options"] if o.id is not None}
    gone = [i for i in existing if i not in kept_ids]
    _handle_removed(attribute, gone, existing, kept_ids, removals or {})
    for name in ("name", "key", "type", "required", "position"):
        setattr(attribute, name, values[name])
    attribute.name_key = fold(attribute.name)
    _save(attribute)
    _write_options(attribute, values["options"], existing, gone)
    changes = field_changes(before, _snapshot(attribute))
    if changes:
        audit_record(
            actor=actor, event_type="attributes.attribute.updated", details={"id": attribute.pk}, changes=changes
        )
    return attribute


def _handle_removed(
    attribute: Attribute,
    gone: list[int],
    existing: Mapping[int, AttributeOption],
    kept_ids: set[int],
    removals: Mapping[int, Any],
) -> None:
    """Clear or move the clients' values of the removed options, set-based (a few statements)."""
    if not gone:
        return
    used = dict(
        AttributeValue.objects.filter(option_id__in=gone)
        .values("option_id")
        .annotate(n=Count("id"))
        .values_list("option_id", "n")
    )
    undecided = {i: n for i, n in used.items() if i not in removals}
    if undecided:
        raise ValuesInUse(undecided, existing)
    for option_id in used:
        target = removals[option_id]
        if target != CLEAR and target not in kept_ids:
            raise DefinitionConflict(_("Move the clients to a value that stays."), field="removals")
    for option_id in used:
        target = removals[option_id]
        rows = AttributeValue.objects.filter(option_id=option_id)
        touched = Client.objects.filter(pk__in=rows.values("client_id"))
        touched.update(version=F("version") + 1)
        if target != CLEAR and attribute.type == T.MULTI:
            # A client that has both keeps one row of the target.
            rows.filter(client_id__in=AttributeValue.objects.filter(option_id=target).values("client_id")).delete()
        if target == CLEAR:
            rows.delete()
        else:
            rows.update(option_id=target)


def _write_options(
    attribute: Attribute, options: Sequence[OptionIn], existing: Mapping[int, AttributeOption], gone: list[int]
) -> None:
    AttributeOption.objects.filter(pk__in=gone).delete()
    # Labels are unique per attribute: park the renamed ones first, so that swapping two names works.
    renamed = [o for o in options if o.id is not None and existing[o.id].label != o.label]
    for option in renamed:  # \x01: no label has it (and PostgreSQL refuses a NUL)
        AttributeOption.objects.filter(pk=option.id or 0).update(label_key=f"\x01{option.id}")
    for position, option in enumerate(options):
        if option.id is None:
            AttributeOption.objects.create(
                attribute=attribute, label=option.label, label_key=fold(option.label), position=position
            )
        else:
            AttributeOption.objects.filter(pk=option.id).update(
                label=option.label, label_key=fold(option.label), position=position
            )


@transaction.atomic(durable=True)
def attribute_delete(*, actor: Actor, attribute: Attribute) -> None:
    """Delete the attribute and every client's value of it (the clients' versions are raised)."""
    require_perm(actor, "attributes.delete_attribute")
    rows = AttributeValue.objects.filter(attribute=attribute)
    Client.objects.filter(pk__in=rows.values("client_id")).update(version=F("version") + 1)
    rows.delete()
    audit_record(
        actor=actor,
        event_type="attributes.attribute.deleted",
        details={"id": attribute.pk, "name": attribute.name, "key": attribute.key},
    )
    attribute.delete()


# --- one client's values -----------------------------------------------------------------------


def field_name(key: str) -> str:
    """The name of an attribute's form field and of its errors: `attributes.<key>`."""
    return f"attributes.{key}"


def client_values(client_ids: Sequence[int] | QuerySet[Any], defs: Sequence[Definition]) -> dict[int, dict[int, Any]]:
    """{client id: {attribute id: stored value}} for these clients: one query."""
    rows = AttributeValue.objects.filter(client_id__in=client_ids).values(
        "client_id", "attribute_id", "value_text", "value_number", "value_date", "value_bool", "option_id"
    )
    grouped: dict[int, dict[int, list[dict[str, Any]]]] = {}
    for row in rows:
        grouped.setdefault(row["client_id"], {}).setdefault(row["attribute_id"], []).append(dict(row))
    return {
        client_id: {d.attribute.pk: d.from_rows(by_attr.get(d.attribute.pk, [])) for d in defs}
        for client_id, by_attr in grouped.items()
    }


def client_values_clean(
    data: Mapping[str, Any] | None, *, current: Mapping[int, Any], partial: bool, defs: Sequence[Definition]
) -> dict[int, Any]:
    """{attribute id: stored value} for the attributes given in `data` ({key: input}).

    An unknown key or a bad value is a message on `attributes.<key>`; a required attribute left
    without a value is one too (on create and on a full replace every required one is checked,
    on a partial change those given and those already empty stay as they are).
    """
    data = dict(data or {})
    by_key = {d.key: d for d in defs}
    errors: dict[str, list[str]] = {}
    values: dict[int, Any] = {}
    for key in data:
        if key not in by_key:
            name = field_name(key) if isinstance(key, str) and _KEY.fullmatch(key) else "attributes"
            errors.setdefault(name, []).append(_("There is no custom attribute with this key."))
    for definition in defs:
        pk = definition.attribute.pk
        if definition.key in data:
            try:
                values[pk] = definition.parse(data[definition.key])
            except BadValue as exc:
                errors[field_name(definition.key)] = [str(exc)]
                continue
        elif partial:
            continue
        else:
            values[pk] = None
        if definition.attribute.required and values[pk] is None:
            errors[field_name(definition.key)] = [_("This attribute is required.")]
    if errors:
        raise ValidationError(errors)
    return {pk: value for pk, value in values.items() if value != current.get(pk)}


def client_values_write(client_id: int, changed: Mapping[int, Any], defs: Sequence[Definition]) -> None:
    """Replace the client's values of the changed attributes: one DELETE and one INSERT."""
    if not changed:
        return
    by_id = {d.attribute.pk: d for d in defs}
    AttributeValue.objects.filter(client_id=client_id, attribute_id__in=list(changed)).delete()
    AttributeValue.objects.bulk_create(
        AttributeValue(client_id=client_id, attribute_id=pk, **row)
        for pk, value in changed.items()
        for row in by_id[pk].rows(value)
    )


def values_changes(
    before: Mapping[int, Any], changed: Mapping[int, Any], defs: Sequence[Definition]
) -> dict[str, list[Any]]:
    """{attribute name: [old, new]} as the History shows them."""
    by_id = {d.attribute.pk: d for d in defs}
    return {
        by_id[pk].attribute.name: [by_id[pk].display(before.get(pk)), by_id[pk].display(value)]
        for pk, value in changed.items()
    }


def all_definitions() -> list[Definition]:
    return definitions()
