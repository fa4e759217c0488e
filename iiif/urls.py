"""Manifests live outside the language prefixes: one address per entry, labelled in every language."""

from django.urls import path

from iiif import views

urlpatterns = [
    path("iiif/<uuid:key>/manifest.json", views.manifest, name="iiif-manifest"),
]
