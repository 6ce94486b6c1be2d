"""Staff URLs of the portal app (the client page's tab, Settings → Client portal)."""

from django.urls import path

from kartoteka.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("clients/<int:client_id>/portal-users/", staff_views.client_tab_view, name="client_tab"),
    path("clients/<int:client_id>/portal-users/invite/", staff_views.invite_view, name="invite"),
    path("clients/<int:client_id>/portal-users/<int:user_id>/block/", staff_views.block_view, name="block"),
    path("clients/<int:client_id>/portal-users/<int:user_id>/unblock/", staff_views.unblock_view, name="unblock"),
    path("settings/portal/", staff_views.settings_view, name="settings"),
]
