from django.urls import path

from access_requests import admin_views

app_name = "access_requests_admin"
urlpatterns = [
    path("", admin_views.QueueView.as_view(), name="queue"),
    path("<int:pk>/grant/", admin_views.grant, name="grant"),
    path("<int:pk>/refuse/", admin_views.refuse, name="refuse"),
    path("grant/", admin_views.grant_directly, name="grant-directly"),
    path("grants/<int:pk>/revoke/", admin_views.revoke, name="revoke"),
    path("log/", admin_views.FileLogView.as_view(), name="file-log"),
]
