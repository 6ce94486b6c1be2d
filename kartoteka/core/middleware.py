"""Language choice: Polish first, English second (REQUIREMENTS: the UI speaks Polish by default)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class PreferredLanguageMiddleware:
    """Activate the language the user chose (the language cookie), else Polish.

    Unlike Django's LocaleMiddleware, a browser's Accept-Language does not switch the web UI:
    an office whose browsers are set to English still gets the Polish UI until someone picks
    English. API clients may ask for a language with Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    def _language(self, request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in self.supported:
            return chosen
        if request.path.startswith("/api/"):
            from_header = translation.get_language_from_request(request)
            if from_header in self.supported:
                return from_header
        return str(settings.LANGUAGE_CODE)


class PrivateResponseMiddleware:
    """Pages of a logged-in user and every API answer carry client data: no cache may keep them.

    Also sends the Permissions-Policy header (settings.PERMISSIONS_POLICY) with every response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # Cache-Control: no-store, no-cache, private...
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
