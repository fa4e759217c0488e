"""Embeds live outside the language prefixes, so that an embed address is the same in
every language (`?lang=` chooses the player's language)."""

from django.urls import path

from embeds import views

urlpatterns = [
    path("embed/<uuid:key>/", views.player, name="embed"),
    path("embed/<uuid:key>/<int:media_id>/", views.player, name="embed-item"),
    path("oembed/", views.oembed, name="oembed"),
]
