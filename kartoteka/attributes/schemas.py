"""JSON shapes of `/api/attributes`. Values are judged by the services (a 422 per field)."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, field_validator

from kartoteka.api.schemas import Bool, Id, InputSchema, Text, _no_bool, documented
from kartoteka.attributes.models import NAME_MAX, OPTION_MAX, Attribute
from kartoteka.attributes.services import KEY_PATTERN, MAX_OPTIONS
from kartoteka.clients.validation import SINGLE_LINE_NOT_BLANK_PATTERN

TYPES = tuple(Attribute.Type.values)
Position = Annotated[int, Field(ge=-10_000, le=10_000), BeforeValidator(_no_bool)]


class OptionOut(Schema):
    id: int
    label: str


class AttributeOut(Schema):
    id: int
    name: str
    key: str = Field(description="The stable name in client JSON and in filters (`attr.<key>=...`).")
    type: Literal["text", "number", "date", "bool", "choice", "multi"]
    required: bool
    position: int = Field(description="Display order (smaller first).")
    options: list[OptionOut] = Field(description="Allowed values of `choice` and `multi`, in order.")


class AttributePage(Schema):
    items: list[AttributeOut]
    next_cursor: str | None = Field(description="Always null: every attribute is on the one page.")


class OptionIn(InputSchema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("label",)))

    id: Id | None = Field(None, description="An existing value's id: keep (or rename) it; leave out for a new value.")
    label: Text | None = Field(
        None, json_schema_extra={"maxLength": OPTION_MAX, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN}
    )


NOT_NULL = ("name", "key", "type", "required", "position", "options", "removals")


class AttributeIn(InputSchema):
    """Change an attribute (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(not_null=NOT_NULL))

    @field_validator(*NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Left out, a field keeps its value; sent as null, it is refused (the document says so).
        if value is None:
            raise ValueError("Send a value, or leave the field out.")
        return value

    name: Text | None = Field(
        None,
        description="Unique, ignoring case.",
        json_schema_extra={"maxLength": NAME_MAX, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
    )
    key: Text | None = Field(None, description="a-z, digits, _; unique.", json_schema_extra={"pattern": KEY_PATTERN})
    type: Text | None = Field(None, description="Cannot change once created.", json_schema_extra={"enum": list(TYPES)})
    required: Bool | None = Field(None, description="Every client must have a value (checked on create and edit).")
    position: Position | None = Field(None, description="Display order (smaller first).")
    options: list[OptionIn] | None = Field(
        None,
        description="The allowed values of `choice` / `multi`, in order; an existing value is named by its id "
        "(a new label renames it, clients keep it), one left out is removed.",
        json_schema_extra={"maxItems": MAX_OPTIONS},
    )
    removals: dict[str, Literal["clear"] | Id] | None = Field(
        None,
        description="For each removed value that clients have, by its id: `clear` (their value is cleared) or "
        "the id of a remaining value to move them to. Without it such a removal is a 409 listing the counts.",
        json_schema_extra={"propertyNames": {"pattern": "^[1-9][0-9]{0,17}$"}},
    )


class AttributeCreateIn(AttributeIn):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=documented(required=("name", "key", "type"), not_null=NOT_NULL)
    )
