from django.urls import path

from kartoteka.attributes import views

app_name = "attributes"

urlpatterns = [
    path("", views.attribute_list_view, name="list"),
    path("new/", views.attribute_create_view, name="create"),
    path("<int:attribute_id>/", views.attribute_edit_view, name="edit"),
    path("<int:attribute_id>/delete/", views.attribute_delete_view, name="delete"),
]
