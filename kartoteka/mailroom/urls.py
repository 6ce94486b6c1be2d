from django.urls import path

from kartoteka.mailroom import views

app_name = "mailroom"

urlpatterns = [
    path("mail/", views.mail_list_view, name="list"),
    path("mail/new/", views.mail_create_view, name="create"),
    path("mail/<int:mail_id>/edit/", views.mail_edit_view, name="edit"),
    path("mail/<int:mail_id>/collect/", views.mail_collect_view, name="collect"),
    path("mail/<int:mail_id>/forward/", views.mail_forward_view, name="forward"),
    path("mail/<int:mail_id>/scan/", views.mail_scan_view, name="scan"),
    path("mail/<int:mail_id>/scan/file/", views.mail_scan_file_view, name="scan_file"),
    path("mail/<int:mail_id>/delete/", views.mail_delete_view, name="delete"),
    path("clients/<int:client_id>/mail/", views.client_mail_view, name="client_tab"),
]
