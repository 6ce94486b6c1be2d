from django.urls import path

from kartoteka.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.job_detail_view, name="detail"),
    path("<int:job_id>/cancel/", views.job_cancel_view, name="cancel"),
    path("<int:job_id>/file/", views.job_file_view, name="file"),
    path("<int:job_id>/items.csv", views.job_items_csv_view, name="items_csv"),
    path("bell/", views.job_bell_view, name="bell"),
    path("bell/seen/", views.jobs_seen_view, name="seen"),
    path("bell/notified/", views.jobs_notified_view, name="notified"),
]
