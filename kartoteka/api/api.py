"""The one NinjaAPI: routers of every domain, authentication and error translation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from kartoteka.api.auth import BearerToken
from kartoteka.api.body import too_large_response
from kartoteka.core.errors import ApplicationError, NotFound, PermissionDenied


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The document and its docs page: GET or HEAD; any other method is a JSON 405 (not a CSRF 403)."""

    @csrf_exempt
    @wraps(view)
    def only_read(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": _("Method not allowed.")}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return only_read


# Token only: a session cookie is not accepted, so no request is ever judged by CSRF rules
# (a missing or wrong token is a 401, never a "CSRF check failed" 403).
api = NinjaAPI(
    title="Kartoteka API",
    version="1",
    description="Client-base management. Authenticate with `Authorization: Bearer <token>` "
    "(`manage.py create_api_token USERNAME`).",
    auth=BearerToken(),
    urls_namespace="api",
    docs_decorator=read_only,
)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return too_large_response()


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(ValidationError)
def _django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Some fields are not valid."), "errors": validation_errors(exc)}, status=422
    )


@api.exception_handler(NinjaValidationError)
def _schema_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(_schema_error_message(error, field))
    return api.create_response(request, {"detail": _("Some fields are not valid."), "errors": errors}, status=422)


def _schema_error_message(error: dict[str, Any], field: str) -> str:
    """Pydantic's message, or ours where it would not tell the caller what to do."""
    if error.get("type") == "extra_forbidden":
        return _("Unknown field.")
    if field == "__all__" and error.get("type") in ("missing", "model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object as the request body.")
    return str(error.get("msg", ""))


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Permission denied.")}, status=403)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    # 409 unless the error names its own status (e.g. 412 for a failed If-Match)
    return api.create_response(request, {"detail": exc.message, **exc.extra}, status=getattr(exc, "http_status", 409))


def _register_routers() -> None:
    from kartoteka.attributes.api import router as attributes_router
    from kartoteka.bulk.api import router as bulk_router
    from kartoteka.cases.api import router as cases_router
    from kartoteka.clients.api import router as clients_router
    from kartoteka.contacts.api import router as contacts_router
    from kartoteka.exports.api import router as exports_router
    from kartoteka.jobs.api import router as jobs_router
    from kartoteka.mailroom.api import router as mailroom_router
    from kartoteka.messaging.api import router as messaging_router
    from kartoteka.planner.api import router as planner_router
    from kartoteka.portal.api import router as portal_router

    api.add_router("/", clients_router)
    api.add_router("/", bulk_router)
    api.add_router("/", jobs_router)
    api.add_router("/", contacts_router)
    api.add_router("/", cases_router)
    api.add_router("/", planner_router)
    api.add_router("/", mailroom_router)
    api.add_router("/", exports_router)
    api.add_router("/", messaging_router)
    api.add_router("/", attributes_router)
    api.add_router("/", portal_router)


_register_routers()


def _mark_public(patterns: list[Any]) -> None:
    """The API authenticates by itself; exempt it from LoginRequiredMiddleware's redirect."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _mark_public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]


@csrf_exempt  # a write to an unknown path is a 404 like a read, not a CSRF refusal
@login_not_required
def endpoint_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown paths under /api/ answer in JSON like every other API error, not with an HTML page."""
    return JsonResponse({"detail": _("There is no such API endpoint.")}, status=404)


def api_urls() -> Any:
    patterns, app_name, namespace = api.urls
    # ninja's root (named so that ninja can reverse its prefix) answers an HTML 404: the JSON one instead.
    patterns = [
        path("", endpoint_not_found, name="api-root") if isinstance(p, URLPattern) and p.name == "api-root" else p
        for p in patterns
    ]
    _mark_public(patterns)
    return patterns, app_name, namespace
