"""Mounted under /clients/ beside the clients app's URLs: bulk actions and the archive's client actions."""

from django.urls import path

from kartoteka.bulk import views

app_name = "bulk"

urlpatterns = [
    path("bulk/<slug:name>/", views.bulk_action_view, name="run"),
    path("<int:client_id>/archive/", views.client_archive_view, name="client_archive"),
    path("<int:client_id>/restore/", views.client_restore_view, name="client_restore"),
    path("<int:client_id>/delete/", views.client_delete_view, name="client_delete"),
]
