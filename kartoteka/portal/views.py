"""The portal as its users see it: login, logout, the invitation and reset links, and their pages.

Every view here is outside the staff login (`login_not_required`) and reads `request.portal_user`,
set by `sessions.PortalSessionMiddleware` from the portal's own cookie; `portal_login_required`
sends anyone else (staff included) to the portal's login page. Each page shows only the portal
user's own client: objects are looked up through `selectors` with that client, so another
client's id is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kartoteka.accounts.throttle import client_ip, over_limit
from kartoteka.clients.services import StaleEdit
from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.listing import page_size
from kartoteka.core.pagination import InvalidCursor, Page, SortSpec, paginate
from kartoteka.core.views import add_service_errors
from kartoteka.mailroom.views import scan_response
from kartoteka.portal import selectors, services
from kartoteka.portal.auth import portal_authenticate
from kartoteka.portal.forms import ContactDetailsForm, NotificationsForm, PortalLoginForm, PortalResetForm
from kartoteka.portal.models import PortalUser
from kartoteka.portal.sessions import portal_login, portal_logout
from kartoteka.portal.tokens import PortalTokenGenerator, invitation_tokens, reset_tokens

PortalView = Callable[..., HttpResponseBase]


def portal_login_required(view: PortalView) -> PortalView:
    """The view gets the logged-in portal user as its second argument; anyone else goes to log in."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = getattr(request, "portal_user", None)
        if user is None:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        return view(request, user, *args, **kwargs)

    return wrapper


def portal_public(view: PortalView) -> PortalView:
    return login_not_required(never_cache(view))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/portal/") else reverse("portal:home")


@portal_public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if getattr(request, "portal_user", None) is not None and request.method == "GET":
        return redirect(_next_url(request))
    form = PortalLoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = portal_authenticate(request, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if result.user is not None:
            portal_login(request, result.user)
            return HttpResponseRedirect(_next_url(request))
        if result.locked:
            form.add_error(None, _("Too many failed attempts. Try again later."))
            status = 429
        elif result.refused:
            form.add_error(None, _("This account cannot log in at the moment. Contact the office."))
        else:
            form.add_error(None, _("Wrong e-mail address or password."))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "portal/login.html", context, status=status)


@portal_public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    portal_logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("portal:login")


# --- setting a password from a link --------------------------------------------------------


@method_decorator(portal_public, name="dispatch")
class _LinkPasswordView(auth_views.PasswordResetConfirmView):
    """Django's set-password-from-a-link view (the token leaves the URL at once) for portal users."""

    form_class = SetPasswordForm
    token_generator: PortalTokenGenerator
    success_url = reverse_lazy("portal:login")
    success_message = ""

    def get_user(self, uidb64: str) -> PortalUser | None:  # type: ignore[override]
        try:
            pk = int(force_str(urlsafe_base64_decode(uidb64)))
        except (TypeError, ValueError, OverflowError):
            return None
        if not 0 < pk < 2**63:
            return None
        return PortalUser.objects.select_related("client").filter(pk=pk).first()

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        services.portal_password_set(user=self.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]  # the link works once
        messages.success(self.request, str(self.success_message))
        return HttpResponseRedirect(str(self.get_success_url()))


class InvitationView(_LinkPasswordView):
    token_generator = invitation_tokens
    template_name = "portal/set_password.html"
    extra_context = {"invitation": True}

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return _("Your password is set. Log in with your e-mail address and the new password.")


class ResetConfirmView(_LinkPasswordView):
    token_generator = reset_tokens
    template_name = "portal/set_password.html"
    extra_context = {"invitation": False}

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return _("Your new password is set. Log in with it now.")


@portal_public
@require_http_methods(["GET", "POST"])
def reset_view(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address has an account; limited per address and e-mail."""
    form = PortalResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        from django.conf import settings

        window = settings.KARTOTEKA_PASSWORD_RESET_WINDOW
        if over_limit(
            "portal-reset-ip", client_ip(request), limit=settings.KARTOTEKA_PASSWORD_RESET_PER_IP, window_seconds=window
        ):
            return render(request, "portal/reset_throttled.html", status=429)
        email = form.cleaned_data["email"]
        if not over_limit(
            "portal-reset-email", email, limit=settings.KARTOTEKA_PASSWORD_RESET_PER_EMAIL, window_seconds=window
        ):
            services.portal_password_reset_enqueue(email=email, language=get_language())
        return redirect("portal:reset_sent")
    return render(request, "portal/reset.html", {"form": form})


@portal_public
def reset_sent_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/reset_sent.html")


# --- the portal's pages -----------------------------------------------------------------------


@portal_login_required
def home_view(request: HttpRequest, user: PortalUser) -> HttpResponse:
    may_edit = services.portal_settings_get().clients_may_edit_contact
    return render(request, "portal/home.html", _context(user, "home", may_edit=may_edit))


CASES_SORT = SortSpec(fields=("opened_at",), descending=True, name="-opened_at")
MAIL_SORT = SortSpec(fields=("received_on",), descending=True, name="-received_on")


def _page(request: HttpRequest, queryset: Any, spec: SortSpec) -> Page[Any]:
    limit = page_size(request.GET.get("limit"))
    try:
        return paginate(queryset, spec, cursor=request.GET.get("cursor") or None, limit=limit)
    except InvalidCursor:  # a stale or hand-edited cursor: the first page
        return paginate(queryset, spec, cursor=None, limit=limit)


def _context(user: PortalUser, section: str, **more: Any) -> dict[str, Any]:
    return {"portal_user": user, "client": user.client, "section": section, **more}


@portal_login_required
@require_GET
def cases_view(request: HttpRequest, user: PortalUser) -> HttpResponse:
    page = _page(request, selectors.portal_cases(user=user), CASES_SORT)
    return render(request, "portal/cases.html", _context(user, "cases", page=page))


@portal_login_required
@require_GET
def case_view(request: HttpRequest, user: PortalUser, case_id: int) -> HttpResponse:
    try:
        case = selectors.portal_case_get(user=user, case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "portal/case.html", _context(user, "cases", case=case))


@portal_login_required
@require_GET
def mail_view(request: HttpRequest, user: PortalUser) -> HttpResponse:
    page = _page(request, selectors.portal_mail(user=user), MAIL_SORT)
    return render(request, "portal/mail.html", _context(user, "mail", page=page))


@portal_login_required
@require_GET
def mail_scan_view(request: HttpRequest, user: PortalUser, mail_id: int) -> HttpResponseBase:
    """A scan of the client's own mail, as a download (another client's item: 404)."""
    try:
        item, path = selectors.portal_mail_scan(user=user, mail_id=mail_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return scan_response(item, path)


@portal_login_required
@require_http_methods(["GET", "POST"])
def details_view(request: HttpRequest, user: PortalUser) -> HttpResponse:
    """Edit the client's contact details, when Settings → Client portal allows it (else 403)."""
    if not services.portal_settings_get().clients_may_edit_contact:
        raise DjangoPermissionDenied
    client = user.client
    form = ContactDetailsForm(request.POST if request.method == "POST" else None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_contact_update(user=user, data=form.values(), expected_version=form.cleaned_data["version"])
        except StaleEdit:
            form.add_error(None, _("The office changed your details meanwhile. Check them and save again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your contact details are saved."))
            return redirect("portal:home")
    return render(request, "portal/details.html", _context(user, "home", form=form))


@portal_login_required
@require_http_methods(["GET", "POST"])
def notifications_view(request: HttpRequest, user: PortalUser) -> HttpResponse:
    """Which messages the portal user gets, and by which channel."""
    form = NotificationsForm(
        request.POST if request.method == "POST" else None, initial=services.notification_channels(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_save(user=user, channels=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("portal:notifications")
    return render(request, "portal/notifications.html", _context(user, "notifications", form=form))
