from django.urls import path

from kartoteka.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.job_detail_view, name="detail"),
]
