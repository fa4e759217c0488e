from django.urls import path

from . import views

urlpatterns = [path("oai/", views.endpoint, name="oai")]
