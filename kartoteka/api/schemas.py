"""Building blocks of the API's request schemas: strict objects, ids the database can hold, clean text."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StrictBool, create_model

# Re-exported for the API's schemas: a bigger id is a 422, never a database overflow.
from kartoteka.core.filtering import FilterSet
from kartoteka.core.numbers import MAX_ID as MAX_ID


def _no_bool(value: Any) -> Any:
    # Pydantic's lax mode reads JSON true/false as 1/0; a number field must get a number.
    if isinstance(value, bool):
        raise ValueError("Input should be a valid integer, not true or false")
    return value


Int = Annotated[int, BeforeValidator(_no_bool)]
# The bounds before the validator: behind a BeforeValidator pydantic documented them as unknown
# keywords ("ge", "le"), which OpenAPI tools ignore, so 0 looked like a valid id.
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_no_bool)]
Bool = StrictBool  # only true or false: lax mode took 0, 1, "yes", "off"...


PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


def _no_surrogates(value: str) -> str:
    # JSON may carry a lone surrogate ("\ud800"): a valid Python str that no database can store.
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("Text must be valid Unicode: a lone surrogate (\\ud800-\\udfff) is not allowed.")
    return value


# Every string of a request body: other rules (control characters, lengths) are the services'.
Text = Annotated[str, AfterValidator(_no_surrogates)]


def documented(*, required: tuple[str, ...] = (), not_null: tuple[str, ...] = ()) -> Any:
    """Mark fields required, or never null, in the OpenAPI document only.

    The service, not pydantic, refuses a missing or empty value, so that the message is its
    translated per-field one, the same as the web form's.
    """

    def adjust(schema: dict[str, Any]) -> None:
        if required:
            schema["required"] = sorted({*schema.get("required", []), *required})
        for name in {*required, *not_null}:
            prop = schema["properties"][name]
            variants = [v for v in prop.pop("anyOf", []) if v.get("type") != "null"]
            if variants:
                prop.update(variants[0])
            prop.pop("default", None)

    return adjust


class InputSchema(Schema):
    """A request body: a JSON object whose every key is a known field (a typo is a 422, not ignored)."""

    model_config = ConfigDict(extra="forbid")


def filter_params(name: str, filterset: type[FilterSet], *, base: type[Schema]) -> type[Schema]:
    """The query parameters of a filtered list: `base` (its paging ones) plus one optional text per
    URL parameter of `filterset`, described from its declaration. The endpoint parses them with the
    FilterSet itself (strict), so a filter field declared there is in the document with no more work.
    """
    extra: dict[str, Any] = {
        param: (str | None, Field(None, description=text)) for param, text in filterset.param_help().items()
    }
    model: type[Schema] = create_model(name, __base__=base, __doc__=base.__doc__, __module__=base.__module__, **extra)
    return model


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="Messages per field; `__all__` for the request as a whole.")


# The errors every operation may answer with, and those of an operation with a JSON body.
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}
BODY_ERRORS: dict[int, Any] = {**ERRORS, 400: ErrorOut, 411: ErrorOut, 413: ErrorOut}
