from django.urls import path

from accounts import admin_views

app_name = "accounts_admin"
urlpatterns = [
    path("", admin_views.PendingResearchersView.as_view(), name="pending"),
    path("<int:pk>/approve/", admin_views.approve, name="approve"),
    path("<int:pk>/refuse/", admin_views.refuse, name="refuse"),
]
