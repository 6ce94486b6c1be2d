from django.urls import path

from kartoteka.contacts import views

app_name = "contacts"

urlpatterns = [
    path("<int:client_id>/contacts/", views.contacts_tab_view, name="list"),
    path("<int:client_id>/contacts/add/", views.contact_create_view, name="create"),
    path("<int:client_id>/contacts/<int:contact_id>/edit/", views.contact_edit_view, name="edit"),
    path("<int:client_id>/contacts/<int:contact_id>/delete/", views.contact_delete_view, name="delete"),
    path("<int:client_id>/mail-pickup-check/", views.pickup_check_view, name="pickup_check"),
]
