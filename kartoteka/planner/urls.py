from django.urls import path

from kartoteka.planner import views

app_name = "planner"

urlpatterns = [
    path("tasks/", views.task_list_view, name="list"),
    path("tasks/mine/", views.my_tasks_view, name="mine"),
    path("tasks/mine/badge/", views.my_badge_view, name="badge"),
    path("tasks/<int:task_id>/edit/", views.task_edit_view, name="edit"),
    path("tasks/<int:task_id>/done/", views.task_done_view, name="done"),
    path("tasks/<int:task_id>/reopen/", views.task_reopen_view, name="reopen"),
    path("tasks/<int:task_id>/delete/", views.task_delete_view, name="delete"),
    path("clients/<int:client_id>/calendar/", views.client_calendar_view, name="client_tab"),
    path("clients/<int:client_id>/calendar/new/", views.task_create_view, name="create"),
]
