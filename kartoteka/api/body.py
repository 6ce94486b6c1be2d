"""Request bodies of the API: a JSON 413 for a body over the limit, and chunked bodies read, not dropped.

Django knows a body's length only from Content-Length. A chunked request (Transfer-Encoding:
chunked, no Content-Length) would reach the view as an empty body and be taken as `{}`. A server
that decodes chunked input itself (gunicorn sets `wsgi.input_terminated`) lets us read it to its
end; any other server gets a 411 so that the client resends it with a length.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def body_limit(request: HttpRequest | None = None) -> int:
    """The largest body read: DATA_UPLOAD_MAX_MEMORY_SIZE, or for a file upload (multipart) the
    largest file an endpoint accepts (KARTOTEKA_API_UPLOAD_MAX_BYTES); the endpoint checks its own."""
    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if request is not None and request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/form-data"):
        return max(limit, int(settings.KARTOTEKA_API_UPLOAD_MAX_BYTES))
    return limit


def too_large_response(request: HttpRequest | None = None) -> JsonResponse:
    limit = body_limit(request)
    return JsonResponse(
        {"detail": _("The request body is too large: at most %(limit)d bytes.") % {"limit": limit}}, status=413
    )


class ApiRequestBodyMiddleware:
    """For /api/ only: refuse a too large body before reading it; read a chunked body in full."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            refusal = self._check_body(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        limit = body_limit(request)
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self._read_chunked(request, limit)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            return too_large_response(request)
        return None

    def _read_chunked(self, request: HttpRequest, limit: int) -> HttpResponse | None:
        if not request.META.get("wsgi.input_terminated"):
            return JsonResponse({"detail": _("Send the request body with a Content-Length header.")}, status=411)
        stream = request.META["wsgi.input"]
        body = stream.read(limit + 1) if limit else stream.read()
        if limit and len(body) > limit:
            return too_large_response(request)
        # What HttpRequest.body would have read had the length been given.
        request.META["CONTENT_LENGTH"] = str(len(body))
        request._stream = io.BytesIO(body)
        request._body = body
        return None
