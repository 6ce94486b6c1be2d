"""Filters of a list, declared once: parsing, canonical URLs, chips and fast keyset pages.

A list declares its filter as a frozen dataclass of FilterSet whose fields say what they are:

    @dataclass(frozen=True)
    class TaskFilter(FilterSet):
        q: str = declare(Search(_("Search"), search=task_search), "")
        status: str = declare(Choice(_("Status"), "status", {"open": _("Open"), ...}, any_value="all"), "open")
        owner: int | None = declare(Reference(_("Owner"), column="owner"), None)
        group: int | None = declare(Membership(_("Group"), relation="groups"), None)
        sort: str = declare(Sort({"id": (), "due": ("due_at",)}), "-id")

and gets `from_params` (a message per bad parameter, `strict` refuses unknown names), `to_params`
(the canonical URL: only what differs from the defaults), `without`, `chips`, `apply` (every
matching row: counts, selections, exports) and `page` (one keyset page).

`page` holds the SQLite planner tricks, written once (docs/performance.md): SQLite has no
statistics, so given filters and an ORDER BY ... LIMIT it tends to collect every match and sort
them. Sorted by id with a search or membership filter, the page joins that index and orders by
its copy of the id; sorted by a column, the filter columns (status, archived) are hidden from the
planner with a unary plus so it walks the sort column's index; a large set is then probed per row.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Protocol, Self

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    Func,
    ManyToManyField,
    Model,
    OuterRef,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kartoteka.core.numbers import InvalidNumber, parse_id
from kartoteka.core.pagination import Page, SortSpec, paginate

WALK_KEY = "walk_id"  # the row id as read from the index a page walks (see FilterSet.page)
YES_NO = {"yes": gettext_lazy("yes"), "no": gettext_lazy("no")}  # the values of a Related filter
PROBE_FROM = 1000  # matches: from here on a page checks them per row instead of listing them all
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)  # aware datetimes of both ends fit


class FilterValueError(ValueError):
    """A parameter's value that the filter refuses; the message is shown next to that parameter."""


class Unindexed(Func):
    """SQLite's unary plus: the same value, but the planner will not use an index for it."""

    template = "+%(expressions)s"


@dataclass(frozen=True)
class Filter:
    """One kind of filter parameter. `label` names it on chips and in error summaries."""

    label: Any = ""
    param: bool = True  # a URL parameter (False: set by the view, e.g. which list it is)
    help: str = ""  # the API document's description (English, as the rest of the document)

    def parse(self, raw: Any) -> Any:
        return str(raw)

    def describe(self, default: Any) -> str:
        """The parameter's description in the API document: `help`, or one made from the kind."""
        return self.help or self.generated_help(default)

    def generated_help(self, default: Any) -> str:
        return ""

    def to_param(self, value: Any) -> str:
        return str(value)

    def display(self, value: Any, model: type[Model]) -> str:
        return str(value)

    def columns(self) -> tuple[str, ...]:
        """Model columns this filter compares (sorting by one of them needs no index hiding)."""
        return ()

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        raise NotImplementedError

    def walk(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any] | None:
        """`queryset` joined with this filter's own index, the row id annotated as WALK_KEY."""
        return None


@dataclass(frozen=True)
class Search(Filter):
    """Free text. `search(queryset, q, probe_from=)` filters; `join(queryset, q, key=)` (optional)
    joins the full-text index so that a page sorted by id walks it."""

    search: Callable[..., QuerySet[Any]] | None = None
    join: Callable[..., QuerySet[Any] | None] | None = None
    max_length: int = 200

    def parse(self, raw: Any) -> str:
        text = str(raw).strip()
        if any(_is_control(ch) for ch in text):
            raise FilterValueError(_("Remove control characters from the search."))
        return text[: self.max_length]

    def generated_help(self, default: Any) -> str:
        return "Search text."

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        assert self.search is not None  # noqa: S101 -- a declaration error, not input
        searched: QuerySet[Any] = self.search(queryset, value, probe_from=PROBE_FROM if probe else None)
        return searched

    def walk(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any] | None:
        joined: QuerySet[Any] | None = self.join(queryset, value, key=WALK_KEY) if self.join else None
        return joined


def _is_control(ch: str) -> bool:
    # Cc: NUL, other C0/C1 controls (FTS5 cuts its query at a NUL); Cs: a lone surrogate.
    return unicodedata.category(ch) in ("Cc", "Cs")


@dataclass(frozen=True)
class Choice(Filter):
    """One of `choices` (value -> label) compared with `column`; `any_value` means no condition."""

    column: str = ""
    choices: Mapping[str, Any] = field(default_factory=dict)
    any_value: str | None = None

    def parse(self, raw: Any) -> str:
        value = str(raw)
        if value not in self.choices:
            raise FilterValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(self.choices)})
        return value

    def generated_help(self, default: Any) -> str:
        return f"One of {_quoted(self.choices)} (default `{default}`)."

    def display(self, value: Any, model: type[Model]) -> str:
        return str(self.choices.get(value, value))

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        if value == self.any_value:
            return queryset
        if hide_index:
            alias = f"_plain_{self.column}"
            plain = Unindexed(self.column, output_field=CharField())
            hidden: QuerySet[Any] = queryset.alias(**{alias: plain}).filter(**{alias: value})
            return hidden
        return queryset.filter(**{self.column: value})


@dataclass(frozen=True)
class Flag(Filter):
    """Set by the view, not a parameter: True lists the rows whose `column` is set (e.g. archived)."""

    column: str = ""
    param: bool = False

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        if hide_index:
            alias = f"_plain_{self.column}"
            plain = Unindexed(self.column, output_field=DateTimeField())
            hidden: QuerySet[Any] = queryset.alias(**{alias: plain}).filter(**{f"{alias}__isnull": not value})
            return hidden
        return queryset.filter(**{f"{self.column}__isnull": not value})


@dataclass(frozen=True)
class Membership(Filter):
    """Rows in the set with this id, through the many-to-many field `relation` (a group, a label)."""

    relation: str = ""

    def parse(self, raw: Any) -> int:
        return _parse_id(raw)

    def generated_help(self, default: Any) -> str:
        return f"Rows in the one of `{self.relation}` with this id."

    def display(self, value: Any, model: type[Model]) -> str:
        target = self._field(model).related_model
        assert isinstance(target, type)  # noqa: S101 -- resolved by the time a request comes
        return str(target._default_manager.filter(pk=value).first() or value)

    def _field(self, model: type[Model]) -> ManyToManyField[Any, Any]:
        relation = model._meta.get_field(self.relation)
        if not isinstance(relation, ManyToManyField) or relation.remote_field.through is None:
            raise TypeError(relation)
        return relation

    def _through(self, model: type[Model]) -> tuple[type[Model], str, str]:
        relation = self._field(model)
        through = relation.remote_field.through
        assert through is not None  # noqa: S101 -- checked by _field
        return through, relation.m2m_column_name(), relation.m2m_reverse_name()

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        """`id IN (members)`; with `probe` and a large set an EXISTS per row (a page walking another
        index meets a member soon; listing them all costs more)."""
        through, row_column, set_column = self._through(queryset.model)
        members = through._default_manager.filter(**{set_column: value})
        if probe and members[PROBE_FROM - 1 : PROBE_FROM].exists():
            return queryset.filter(Exists(members.filter(**{row_column: OuterRef("pk")})))
        return queryset.filter(pk__in=members.values(row_column))

    def walk(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any] | None:
        through, row_column, set_column = self._through(queryset.model)
        quote = connection.ops.quote_name
        table = quote(through._meta.db_table)
        row_id = f"{table}.{quote(row_column)}"
        own = f"{quote(queryset.model._meta.db_table)}.{quote(queryset.model._meta.pk.column)}"
        # extra(): joins the membership table itself, whose (set, row) index gives row ids in order.
        walked: QuerySet[Any] = queryset.extra(  # noqa: S610
            tables=[table], where=[f"{row_id} = {own}", f"{table}.{quote(set_column)} = %s"], params=[value]
        ).annotate(**{WALK_KEY: RawSQL(row_id, ())})  # noqa: S611
        return walked


@dataclass(frozen=True)
class Reference(Filter):
    """Rows whose foreign key `column` points at the row with this id (an owner, a client)."""

    column: str = ""

    def parse(self, raw: Any) -> int:
        return _parse_id(raw)

    def generated_help(self, default: Any) -> str:
        return f"Rows whose `{self.column}` is the row with this id."

    def display(self, value: Any, model: type[Model]) -> str:
        target: Any = model._meta.get_field(self.column).related_model
        return str(target._default_manager.filter(pk=value).first() or value)

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.column}_id": value})


@dataclass(frozen=True)
class Related(Filter):
    """`yes`: rows that have at least one row of the reverse relation `relation` (a client's portal
    users); `no`: rows that have none. One EXISTS, so a list, its count and a selection agree."""

    relation: str = ""

    def parse(self, raw: Any) -> str:
        value = str(raw)
        if value not in YES_NO:
            raise FilterValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(YES_NO)})
        return value

    def generated_help(self, default: Any) -> str:
        return f"`yes`: rows with at least one of `{self.relation}`; `no`: rows with none."

    def display(self, value: Any, model: type[Model]) -> str:
        return str(YES_NO.get(value, value))

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        reverse: Any = queryset.model._meta.get_field(self.relation)
        rows = reverse.related_model._default_manager.filter(**{reverse.field.name: OuterRef("pk")})
        return queryset.filter(Exists(rows) if value == "yes" else ~Exists(rows))


def _parse_id(raw: Any) -> int:
    try:
        return parse_id(raw)
    except InvalidNumber as exc:
        raise FilterValueError(exc.message) from exc


@dataclass(frozen=True)
class DayBound(Filter):
    """A day, compared with the datetime `column`: from its start, or (`upper`) to its end."""

    column: str = ""
    upper: bool = False

    def generated_help(self, default: Any) -> str:
        return f"`{self.column}` on or {'before' if self.upper else 'after'} this day, YYYY-MM-DD."

    def parse(self, raw: Any) -> dt.date:
        try:
            day = dt.date.fromisoformat(str(raw))
        except ValueError as exc:
            raise FilterValueError(_("Enter a date as YYYY-MM-DD.")) from exc
        if not FIRST_DAY <= day <= LAST_DAY:
            raise FilterValueError(
                _("Enter a date from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}
            )
        return day

    def to_param(self, value: Any) -> str:
        return str(value.isoformat())

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        if self.upper:
            return queryset.filter(**{f"{self.column}__lt": _day_start(value + dt.timedelta(days=1))})
        return queryset.filter(**{f"{self.column}__gte": _day_start(value)})


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Sort(Filter):
    """`choices`: sort parameter -> model fields (the id tie-breaker is added); `-` for descending."""

    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def parse(self, raw: Any) -> str:
        value = str(raw)
        if value.lstrip("-") not in self.choices:
            raise FilterValueError(_("Sort by one of: %(fields)s.") % {"fields": ", ".join(self.choices)})
        return value

    def generated_help(self, default: Any) -> str:
        return f"One of {_quoted(self.choices)}; `-` first for descending (default `{default}`)."


def _quoted(names: Collection[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


class FamilyCondition(Protocol):
    """One parameter of a family, parsed: its URL name and canonical value, how a chip shows it,
    and the condition it puts on a queryset."""

    @property
    def param(self) -> str: ...
    @property
    def raw(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def shown(self) -> str: ...


class Family(Protocol):
    """What parses a family's parameters: `parse({name: raw})` gives its conditions (sorted by
    name), or raises ValidationError with a message per parameter name; `help` documents them.
    `apply` puts them all on a queryset (it may merge some: two bounds of one range in one
    subquery)."""

    help: str

    def parse(self, params: Mapping[str, str]) -> tuple[FamilyCondition, ...]: ...

    def apply(
        self, queryset: QuerySet[Any], conditions: tuple[FamilyCondition, ...], *, probe: bool
    ) -> QuerySet[Any]: ...


_FAMILIES: dict[str, Family] = {}


def register_param_family(name: str, family: Family) -> None:
    """Let an app parse the parameters of a ParamFamily declared with `family=name` (e.g. the
    custom attributes' `attr.<key>=...`): the FilterSet declares the field, the app knows the names."""
    _FAMILIES[name] = family


@dataclass(frozen=True)
class ParamFamily(Filter):
    """Every parameter whose name starts with `prefix`, parsed together by the family registered
    under `family`; the value is a tuple of its conditions (empty: no condition). The names are
    not declared one by one, since the app's data says which exist (attribute keys)."""

    prefix: str = ""
    family: str = ""

    def handler(self) -> Family | None:
        return _FAMILIES.get(self.family)

    def parse_family(self, params: Mapping[str, Any]) -> tuple[FamilyCondition, ...]:
        given = {name: str(params.get(name)) for name in params if name.startswith(self.prefix)}
        handler = self.handler()
        if not given or handler is None:
            return ()
        return handler.parse({name: raw for name, raw in given.items() if raw != ""})

    def generated_help(self, default: Any) -> str:
        handler = self.handler()
        return handler.help if handler else ""

    def condition(self, queryset: QuerySet[Any], value: Any, *, hide_index: bool, probe: bool) -> QuerySet[Any]:
        handler = self.handler()
        if handler is None or not value:
            return queryset
        return handler.apply(queryset, value, probe=probe)


def declare(kind: Filter, default: Any) -> Any:
    """A FilterSet field of this kind (a dataclass field carrying it)."""
    return field(default=default, metadata={"filter": kind})


@dataclass(frozen=True)
class Chip:
    """One active filter as the list shows it, with the parameters of the list without it."""

    name: str
    label: str
    value: str
    remove_params: dict[str, str]


class FilterSet:
    """Base of the declared filters (see the module's docstring). Subclasses are frozen dataclasses."""

    model: ClassVar[type[Model]]

    @classmethod
    def declared(cls) -> dict[str, Filter]:
        return _declared(cls)

    @classmethod
    def param_names(cls) -> frozenset[str]:
        """The declared parameter names (a family's parameters are named by their prefix)."""
        return frozenset(
            name for name, kind in cls.declared().items() if kind.param and not isinstance(kind, ParamFamily)
        )

    @classmethod
    def families(cls) -> dict[str, ParamFamily]:
        return {name: kind for name, kind in cls.declared().items() if isinstance(kind, ParamFamily)}

    @classmethod
    def is_family_param(cls, name: str) -> bool:
        return any(name.startswith(kind.prefix) for kind in cls.families().values() if kind.handler())

    @classmethod
    def param_help(cls) -> dict[str, str]:
        """Each URL parameter's description for the API document, in declaration order."""
        defaults = {f.name: f.default for f in fields(cls)}  # type: ignore[arg-type]
        return {
            name: kind.describe(defaults[name])
            for name, kind in cls.declared().items()
            if kind.param and not isinstance(kind, ParamFamily)
        }

    @classmethod
    def defaults_for(cls, context: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults that depend on the view's context (e.g. an archive lists every status)."""
        return {}

    @classmethod
    def default(cls, **context: Any) -> Self:
        return cls(**context, **cls.defaults_for(context))

    @classmethod
    def from_params(
        cls, params: Mapping[str, Any], *, strict: bool = False, allow: Collection[str] = (), **context: Any
    ) -> Self:
        """Parse request parameters; raise ValidationError with a message per bad parameter.

        `strict` refuses names that are neither filters nor in `allow`: a typo (`?grup=3`) must
        not widen a list, an API answer or a bulk action into "everything".
        """
        errors: dict[str, str] = {}
        names = cls.param_names()
        if strict:
            known = ", ".join(sorted(names))
            for name in sorted(set(params) - names - set(allow)):
                if not cls.is_family_param(name):
                    errors[name] = _("Unknown filter. Use: %(names)s.") % {"names": known}
        values = {**context, **cls.defaults_for(context)}
        for name, kind in cls.declared().items():
            if isinstance(kind, ParamFamily):
                try:
                    values[name] = kind.parse_family(params)
                except ValidationError as exc:
                    errors.update({param: " ".join(messages) for param, messages in exc.message_dict.items()})
                continue
            raw = params.get(name) if kind.param else None
            if raw is None or raw == "":
                continue
            try:
                values[name] = kind.parse(raw)
            except FilterValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError({k: [ValidationError(v)] for k, v in errors.items()})
        return cls(**values)

    def _context(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name, kind in self.declared().items() if not kind.param}

    def _defaults(self) -> Self:
        return self.default(**self._context())

    def to_params(self) -> dict[str, str]:
        """The parameters that differ from the defaults, for URLs (bookmarkable, shareable)."""
        default = self._defaults()
        params = {}
        for name, kind in self.declared().items():
            value = getattr(self, name)
            if isinstance(kind, ParamFamily):
                params.update({condition.param: condition.raw for condition in value})
            elif kind.param and value != getattr(default, name) and value not in (None, ""):
                params[name] = kind.to_param(value)
        return params

    def _family_condition(self, param: str) -> tuple[str, FamilyCondition] | None:
        for name in self.families():
            for condition in getattr(self, name):
                if condition.param == param:
                    return name, condition
        return None

    def without(self, name: str) -> Self:
        found = self._family_condition(name) if name not in self.declared() else None
        if found is not None:
            field_name, gone = found
            kept = tuple(c for c in getattr(self, field_name) if c is not gone)
            return replace(self, **{field_name: kept})  # type: ignore[type-var]
        return replace(self, **{name: getattr(self._defaults(), name)})  # type: ignore[type-var]

    def chips(self, *, describe: Mapping[str, Callable[[Any], str | None]] | None = None) -> list[Chip]:
        """One removable chip per active filter (not the sort order); `describe` overrides how a
        parameter's value is shown (None from it: the raw value)."""
        declared = self.declared()
        chips = []
        for name in self.to_params():
            found = self._family_condition(name) if name not in declared else None
            if found is not None:
                condition = found[1]
                chips.append(Chip(name, condition.label, condition.shown, self.without(name).to_params()))
                continue
            kind = declared[name]
            if isinstance(kind, Sort):
                continue
            raw = getattr(self, name)
            if describe and name in describe:
                value = describe[name](raw) or kind.to_param(raw)
            else:
                value = kind.display(raw, self.model)
            chips.append(Chip(name, str(kind.label), value, self.without(name).to_params()))
        return chips

    @property
    def sort_spec(self) -> SortSpec:
        name, sort = self.sort_declaration()
        return SortSpec(fields=sort.choices[name.lstrip("-")], descending=name.startswith("-"), name=name)

    def sort_declaration(self) -> tuple[str, Sort]:
        """The current sort parameter and the declaration of the sorts."""
        for name, kind in self.declared().items():
            if isinstance(kind, Sort):
                return getattr(self, name), kind
        raise TypeError(f"{type(self).__name__} declares no Sort")

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Every row matching the filter: for counts, selections, bulk actions and exports."""
        return self._apply(queryset)

    def page(self, queryset: QuerySet[Any], *, cursor: str | None, limit: int) -> Page[Any]:
        """One keyset page of the rows matching the filter, in its sort order.

        The same rows as apply(); on SQLite the query is shaped to walk one index in the sort order
        and stop after one page, whatever the number of matches (see the module's docstring).
        """
        spec = self.sort_spec
        if connection.vendor != "sqlite":
            return paginate(self._apply(queryset), spec, cursor=cursor, limit=limit)
        if not spec.fields:
            for name, kind in self.declared().items():
                value = getattr(self, name)
                walked = kind.walk(queryset, value) if _is_set(value) else None
                if walked is not None:
                    queryset = self._apply(walked, walked=name, probe=True)
                    return paginate(queryset, replace(spec, id_key=WALK_KEY), cursor=cursor, limit=limit)
        filter_columns = {column for kind in self.declared().values() for column in kind.columns()}
        by_column = bool(spec.fields) and not set(spec.fields) <= filter_columns
        queryset = self._apply(queryset, hide_index=by_column, probe=by_column, paging=True)
        return paginate(queryset, spec, cursor=cursor, limit=limit)

    def _apply(
        self,
        queryset: QuerySet[Any],
        *,
        walked: str = "",
        hide_index: bool = False,
        probe: bool = False,
        paging: bool = False,
    ) -> QuerySet[Any]:
        for name, kind in self.declared().items():
            value = getattr(self, name)
            if name != walked and not isinstance(kind, Sort) and _is_set(value):
                # A page walks an index in its order (the id's when nothing was walked): a family's
                # large set is then probed per row, as a membership's is, instead of listed whole.
                probing = probe or (paging and isinstance(kind, ParamFamily))
                queryset = kind.condition(queryset, value, hide_index=hide_index, probe=probing)
        return queryset


def _is_set(value: Any) -> bool:
    return value is not None and value != ""


_DECLARED: dict[type, dict[str, Filter]] = {}


def _declared(cls: type[FilterSet]) -> dict[str, Filter]:
    if cls not in _DECLARED:
        _DECLARED[cls] = {f.name: f.metadata["filter"] for f in fields(cls) if "filter" in f.metadata}  # type: ignore[arg-type]
    return _DECLARED[cls]
