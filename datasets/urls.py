from django.urls import path

from datasets import views

urlpatterns = [
    path("datasets/catalogue.jsonld", views.catalogue_json, name="dataset-catalogue"),
    path("datasets/<str:name>", views.download, name="dataset-file"),
]
