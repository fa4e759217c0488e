from django.urls import path

from citations import views

# Under the language prefixes: a citation is written in the visitor's language.
urlpatterns = [
    path("cite/<uuid:key>/<slug:format>/", views.entry_citation, name="entry-citation"),
    path("search/cite/<slug:format>/", views.search_citations, name="search-citations"),
]
