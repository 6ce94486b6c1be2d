from django.urls import path, re_path

from kartoteka.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list_view, name="list"),
    path("count/", views.client_count_view, name="count"),
    path("archive/", views.client_archive_view, name="archive"),
    path("new/", views.client_create_view, name="create"),
    path("<int:client_id>/", views.client_detail_view, name="detail"),
    path("<int:client_id>/edit/", views.client_edit_view, name="edit"),
    path("<int:client_id>/status/", views.client_status_view, name="status"),
    path("<int:client_id>/notes/", views.client_notes_view, name="notes"),
    path("<int:client_id>/notes/add/", views.note_create_view, name="note_create"),
    path("<int:client_id>/notes/<int:note_id>/edit/", views.note_edit_view, name="note_edit"),
    path("<int:client_id>/notes/<int:note_id>/delete/", views.note_delete_view, name="note_delete"),
    path("<int:client_id>/history/", views.client_history_view, name="history"),
    path("groups/quick-create/", views.group_quick_create_view, name="group_quick_create"),
    re_path(r"^(?P<kind>groups|labels)/$", views.set_list_view, name="sets"),
    re_path(r"^(?P<kind>groups|labels)/(?P<pk>[0-9]+)/$", views.set_edit_view, name="set_edit"),
]
