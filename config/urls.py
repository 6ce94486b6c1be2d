from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from kartoteka.api.api import api_urls, endpoint_not_found
from kartoteka.core.views import settings_index_view

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="clients:list", permanent=False)),
    path("accounts/", include("kartoteka.accounts.urls")),
    path("clients/", include("kartoteka.clients.urls")),
    path("clients/", include("kartoteka.bulk.urls")),
    path("clients/", include("kartoteka.contacts.urls")),
    path("jobs/", include("kartoteka.jobs.urls")),
    path("", include("kartoteka.cases.urls")),
    path("", include("kartoteka.planner.urls")),
    path("settings/", settings_index_view, name="settings"),
    path("settings/attributes/", include("kartoteka.attributes.urls")),
    path("notifications/", include("kartoteka.notifications.urls")),
    path("", include("kartoteka.mailroom.urls")),
    path("portal/", include("kartoteka.portal.urls")),
    path("", include("kartoteka.portal.staff_urls")),
    path("", include("kartoteka.messaging.urls")),
    path("api/", api_urls()),
    re_path(r"^api/(?P<path>.*)$", endpoint_not_found),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
