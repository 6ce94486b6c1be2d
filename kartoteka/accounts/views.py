"""Staff passwords: change one's own, or reset a forgotten one by e-mail (Django's auth views)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import get_language

from kartoteka.accounts.services import password_change, password_reset, password_reset_mail_enqueue
from kartoteka.accounts.tasks import EMAIL_TEMPLATE, SUBJECT_TEMPLATE
from kartoteka.accounts.throttle import client_ip, over_limit


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = password_change(actor=self.request.user, form=form)  # type: ignore[arg-type]
        update_session_auth_hash(self.request, user)  # stay logged in
        return HttpResponseRedirect(str(self.get_success_url()))


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address belongs to someone, and limited in how often.

    The mail goes out from the worker, after commit, for any accepted address (the worker
    looks it up), so the answer takes as long for an unknown address as for a known one.
    Too many requests from one address answer 429 (that says nothing about any account); too
    many for one e-mail address quietly send nothing more, with the usual answer.
    """

    template_name = "accounts/password_reset_form.html"
    email_template_name = EMAIL_TEMPLATE
    subject_template_name = SUBJECT_TEMPLATE
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        window = settings.KARTOTEKA_PASSWORD_RESET_WINDOW
        if over_limit("reset-ip", client_ip(self.request), limit=settings.KARTOTEKA_PASSWORD_RESET_PER_IP,
                      window_seconds=window):  # fmt: skip
            return render(self.request, "accounts/password_reset_throttled.html", status=429)
        email = form.cleaned_data["email"]
        if over_limit("reset-email", email, limit=settings.KARTOTEKA_PASSWORD_RESET_PER_EMAIL, window_seconds=window):
            return HttpResponseRedirect(str(self.get_success_url()))  # as if sent
        password_reset_mail_enqueue(
            email=email, domain=self.request.get_host(), use_https=self.request.is_secure(), language=get_language()
        )
        return HttpResponseRedirect(str(self.get_success_url()))


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        password_reset(form=form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]  # the link works once
        return HttpResponseRedirect(str(self.get_success_url()))


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
