"""The client list's filters on custom attributes: `attr.<key>[__op]=value` parameters.

ClientFilter declares one `ParamFamily` field (prefix `attr.`, family "attributes"); this module
parses its parameters into conditions, so the list, the count, the API and bulk selections get
them through the one filter. Operators:

- `attr.<key>=v`        equals (several of a list: has this value; yes/no: `true` / `false`)
- `attr.<key>__in=a,b`  one of (list types, text, number)
- `attr.<key>__gte=v` / `__lte=v`  from / to, inclusive (number, date)
- `attr.<key>__isnull=true|false`  not set / set (any type)

A list value is given by its text (case ignored) or its id; the canonical URL carries the id,
so renaming a value keeps saved links working.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from kartoteka.attributes.models import Attribute, AttributeValue
from kartoteka.attributes.values import BadValue, Definition, definitions
from kartoteka.core.errors import ValidationError
from kartoteka.core.filtering import PROBE_FROM, register_param_family

PREFIX = "attr."
FAMILY = "attributes"
T = Attribute.Type
OPERATORS: dict[str, tuple[str, ...]] = {
    "": tuple(T.values),
    "in": (T.TEXT, T.NUMBER, T.CHOICE, T.MULTI),
    "gte": (T.NUMBER, T.DATE),
    "lte": (T.NUMBER, T.DATE),
    "isnull": tuple(T.values),
}
PARAM_PATTERN = r"^attr\.[a-z][a-z0-9_]*(__(in|gte|lte|isnull))?$"
IN_MAX = 50


@dataclass(frozen=True)
class AttributeCondition:
    param: str
    raw: str
    label: str
    shown: str
    attribute_id: int
    lookup: tuple[tuple[str, Any], ...]  # on the attribute's value rows; () for isnull
    negate: bool = False  # `__isnull=true`: clients without a value row
    single: bool = True  # one value row a client: conditions on it may share one subquery


def _apply(queryset: QuerySet[Any], attribute_id: int, lookup: dict[str, Any], *, negate: bool, probe: bool) -> Any:
    """`id IN (matching rows)`; on a page walking another index, with a large set, an EXISTS per
    row instead (the page meets a match soon; listing every match costs more)."""
    rows = AttributeValue.objects.filter(attribute_id=attribute_id, **lookup)
    if probe and rows[PROBE_FROM - 1 : PROBE_FROM].exists():
        exists = Exists(rows.filter(client_id=OuterRef("pk")))
        return queryset.filter(~exists if negate else exists)
    inside = Q(pk__in=rows.values("client_id"))
    return queryset.filter(~inside if negate else inside)


class AttributeFamily:
    help = (
        "Custom attributes: `attr.<key>=value` (equals), `attr.<key>__in=a,b` (one of), "
        "`attr.<key>__gte=` / `__lte=` (from / to, numbers and dates), `attr.<key>__isnull=true|false` "
        "(not set / set). Keys and types: GET /api/attributes. A list value by its text or id; "
        "yes/no as `true` / `false`; dates YYYY-MM-DD."
    )

    def parse(self, params: Mapping[str, str]) -> tuple[AttributeCondition, ...]:
        by_key = {d.key: d for d in definitions(Attribute.objects.filter(key__in=_keys(params)))}
        conditions, errors = [], {}
        for param in sorted(params):
            try:
                conditions.append(_condition(param, params[param], by_key))
            except BadValue as exc:
                errors[param] = [str(exc)]
        if errors:
            raise ValidationError(errors)
        return tuple(conditions)

    def apply(self, queryset: QuerySet[Any], conditions: tuple[Any, ...], *, probe: bool) -> QuerySet[Any]:
        """Each condition, except that those on one single-valued attribute share one subquery
        (`__gte` and `__lte` read one index range, not two half-open ones)."""
        merged: dict[int, dict[str, Any]] = {}
        for condition in conditions:
            if condition.single and not condition.negate and condition.lookup:
                merged.setdefault(condition.attribute_id, {}).update(dict(condition.lookup))
            else:
                lookup = dict(condition.lookup)
                queryset = _apply(queryset, condition.attribute_id, lookup, negate=condition.negate, probe=probe)
        for attribute_id, lookup in merged.items():
            queryset = _apply(queryset, attribute_id, lookup, negate=False, probe=probe)
        return queryset


def _keys(params: Mapping[str, str]) -> set[str]:
    return {name[len(PREFIX) :].partition("__")[0] for name in params}


def _condition(param: str, raw: str, by_key: Mapping[str, Definition]) -> AttributeCondition:
    key, _sep, operator = param[len(PREFIX) :].partition("__")
    definition = by_key.get(key)
    if definition is None:
        raise BadValue(_("There is no custom attribute with the key “%(key)s”.") % {"key": key})
    if operator not in OPERATORS:
        raise BadValue(_("Use attr.<key>, or one of __in, __gte, __lte, __isnull after the key."))
    if definition.type not in OPERATORS[operator]:
        raise BadValue(
            _("This comparison does not fit an attribute of type “%(type)s”.") % {"type": T(definition.type).label}
        )
    label = definition.attribute.name
    if operator == "isnull":
        empty = definition.parse_bool(raw)
        shown = _("not set") if empty else _("set")
        return AttributeCondition(param, "true" if empty else "false", label, shown, definition.attribute.pk, (), empty)
    column = definition.column
    single = definition.type != T.MULTI
    if operator == "in":
        items = [item for item in raw.split(",") if item.strip()]
        if not items or len(items) > IN_MAX:
            raise BadValue(_("Give from 1 to %(max)d values separated by commas.") % {"max": IN_MAX})
        values = sorted({_one(definition, item) for item in items}, key=str)
        canonical = ",".join(_canonical(definition, v) for v in values)
        shown = _("one of: %(values)s") % {"values": ", ".join(_shown(definition, v) for v in values)}
        lookup = ((f"{column}__in", values),)
        return AttributeCondition(param, canonical, label, shown, definition.attribute.pk, lookup, single=single)
    value = _one(definition, raw)
    suffix = {"": "", "gte": "__gte", "lte": "__lte"}[operator]
    prefix = {"": "", "gte": "≥ ", "lte": "≤ "}[operator]
    return AttributeCondition(
        param,
        _canonical(definition, value),
        label,
        prefix + _shown(definition, value),
        definition.attribute.pk,
        ((f"{column}{suffix}", value),),
        single=single,
    )


def _one(definition: Definition, raw: str) -> Any:
    """One compared value: for a "several" attribute, one of its options."""
    if definition.type == T.MULTI:
        return definition.option_of(raw).pk
    value = definition.parse(raw)
    if value is None:
        raise BadValue(_("Enter a value."))
    return value


def _canonical(definition: Definition, value: Any) -> str:
    if definition.type == T.BOOL:
        return "true" if value else "false"
    if definition.type == T.NUMBER:
        return format(value, "f")
    if definition.type == T.DATE:
        return str(value.isoformat())
    return str(value)


def _shown(definition: Definition, value: Any) -> str:
    if definition.type in (T.CHOICE, T.MULTI):
        return definition.by_id[value].label
    return definition.display(value)


def register() -> None:
    register_param_family(FAMILY, AttributeFamily())
