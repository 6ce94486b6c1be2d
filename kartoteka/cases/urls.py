from django.urls import path

from kartoteka.cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list_view, name="list"),
    path("cases/<int:case_id>/", views.case_detail_view, name="detail"),
    path("cases/<int:case_id>/edit/", views.case_edit_view, name="edit"),
    path("cases/<int:case_id>/close/", views.case_close_view, name="close"),
    path("cases/<int:case_id>/reopen/", views.case_reopen_view, name="reopen"),
    path("cases/<int:case_id>/delete/", views.case_delete_view, name="delete"),
    path("clients/<int:client_id>/cases/", views.client_cases_view, name="client_tab"),
    path("clients/<int:client_id>/cases/new/", views.case_create_view, name="create"),
]
