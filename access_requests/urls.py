from django.urls import path

from access_requests import views

app_name = "access_requests"
urlpatterns = [
    path("", views.my_requests, name="mine"),
    path("<uuid:key>/", views.new_request, name="new"),
]
