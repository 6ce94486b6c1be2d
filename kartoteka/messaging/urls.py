from django.urls import path

from kartoteka.messaging import views

app_name = "messaging"

urlpatterns = [
    path("clients/<int:client_id>/messages/", views.client_messages_view, name="client_tab"),
    path("clients/<int:client_id>/send-vcard/", views.send_vcard_view, name="send_vcard"),
    path("clients/<int:client_id>/vcard/", views.vcard_download_view, name="vcard"),
    path("messages/preview/", views.message_preview_view, name="preview"),
]
