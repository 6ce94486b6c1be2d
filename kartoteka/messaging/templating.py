"""Message templates: Jinja2 in a sandbox that knows only `{{ client.<variable> }}`.

A template is checked once, when it is given (the form, the API, the bulk job's parameters), and
rendered per client with plain text values (`variables.context_of`), never model objects:

- Jinja2's SandboxedEnvironment refuses attribute access to internals (`__class__`, `__mro__`)
  and StrictUndefined makes any name it is not given an error, not an empty string;
- on top of that the parsed template is walked and only a small set of nodes is let through:
  text, `{{ client.<listed name> }}`, `{% if %}` / `{% elif %}` / `{% else %}` over those names,
  comparisons with constants, `and` / `or` / `not`, and a few text filters (upper, lower,
  title, capitalize, trim, default). No loops, no calls, no arithmetic, no assignments,
  includes or macros: rendering is linear in the template's length, so the template length
  limits (SUBJECT_TEMPLATE_MAX, BODY_TEMPLATE_MAX) bound the time and the output's size.

Errors name the line (`TemplateProblem.line`) and say what is wrong in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from kartoteka.messaging.variables import variable_names

SUBJECT_TEMPLATE_MAX = 255
BODY_TEMPLATE_MAX = 20_000
FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "d"})
_ALLOWED = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.If, nodes.Compare, nodes.Operand,
    nodes.And, nodes.Or, nodes.Not, nodes.CondExpr,
)  # fmt: skip


@dataclass(frozen=True)
class TemplateProblem(Exception):
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(problem)s") % {"line": self.line, "problem": self.message}


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()  # no range(), dict(), lipsum(), cycler(), namespace()
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.tests = {}
    return env


def _check_node(node: nodes.Node, names: frozenset[str]) -> None:
    line = getattr(node, "lineno", None)
    if isinstance(node, nodes.Getattr):
        if not (isinstance(node.node, nodes.Name) and node.node.name == "client"):
            raise TemplateProblem(_("only {{ client.<variable> }} can be used."), line)
        if node.attr not in names:
            raise TemplateProblem(_("unknown variable client.%(name)s.") % {"name": node.attr}, line)
        return
    if isinstance(node, nodes.Name):
        raise TemplateProblem(_("unknown variable %(name)s; use {{ client.<variable> }}.") % {"name": node.name}, line)
    if isinstance(node, nodes.Filter):
        if node.name not in FILTERS:
            raise TemplateProblem(_("the filter %(name)s is not available.") % {"name": node.name}, line)
        if node.node is not None:
            _check_node(node.node, names)
        for arg in node.args:
            if not isinstance(arg, nodes.Const):
                raise TemplateProblem(_("a filter's argument must be a constant."), line)
        if node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise TemplateProblem(_("a filter's argument must be a constant."), line)
        return
    if isinstance(node, nodes.Const) and not isinstance(node.value, str | int | float | bool | None):
        raise TemplateProblem(_("this expression is not allowed in a message."), line)
    if not isinstance(node, _ALLOWED):
        raise TemplateProblem(_("%(what)s is not allowed in a message.") % {"what": _describe(node)}, line)
    for child in node.iter_child_nodes():
        _check_node(child, names)


def _describe(node: nodes.Node) -> str:
    tags = {"Assign": "set", "AssignBlock": "set", "CallBlock": "call", "FilterBlock": "filter", "FromImport": "from"}
    if isinstance(node, nodes.Stmt):
        name = type(node).__name__
        return "{% " + tags.get(name, name.lower()) + " %}"
    return _("this expression")


def check_template(source: str, *, max_length: int) -> Any:
    """The compiled template; TemplateProblem (with the line) when it is not a valid message template."""
    if len(source) > max_length:
        raise TemplateProblem(
            _("Ensure this value has at most %(limit)d characters (it has %(count)d).")
            % {"limit": max_length, "count": len(source)}
        )
    env = _environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(_("syntax error: %(error)s") % {"error": exc.message or ""}, exc.lineno) from exc
    names = variable_names()
    _check_node(tree, names)
    template = env.from_string(tree)
    render(template, dict.fromkeys(names, ""))  # a comparison of text with a number fails for every client
    return template


def render(template: Any, context: Mapping[str, str]) -> str:
    """One client's text. Errors here mean a value the check could not foresee: TemplateProblem."""
    try:
        return str(template.render(client=dict(context)))
    except (UndefinedError, SecurityError, TypeError, ValueError) as exc:
        raise TemplateProblem(_("the template cannot be rendered: %(error)s") % {"error": exc}) from exc


def render_text(source: str, context: Mapping[str, str], *, max_length: int) -> str:
    return render(check_template(source, max_length=max_length), context)


def one_line(text: str) -> str:
    """A rendered subject: one line (a header cannot hold line breaks), spaces collapsed."""
    return " ".join(text.split())
