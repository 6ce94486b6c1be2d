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
    path("details/", views.details_view, name="details"),
    path("cases/", views.cases_view, name="cases"),
    path("cases/<int:case_id>/", views.case_view, name="case"),
    path("mail/", views.mail_view, name="mail"),
    path("mail/<int:mail_id>/scan/", views.mail_scan_view, name="mail_scan"),
    path("notifications/", views.notifications_view, name="notifications"),
]
