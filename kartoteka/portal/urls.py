"""The portal's own URLs, under /portal/ (its session cookie is valid only there)."""

from django.urls import path

from kartoteka.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("password/reset/", views.reset_view, name="reset"),
    path("password/reset/sent/", views.reset_sent_view, name="reset_sent"),
    path("password/reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="reset_confirm"),
]
