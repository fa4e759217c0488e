from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from api_docs import views as api_docs_views
from datasets import views as datasets_views
from heritage import views as heritage_views
from heritage.api import api_router
from heritage.sitemap import ArchiveSitemap
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/openapi.json", api_docs_views.openapi_json, name="openapi"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": ArchiveSitemap}}, name="sitemap"),
    path("healthz", heritage_views.healthz, name="healthz"),
    path("uploads/", include("uploads.urls")),
    path("e/<uuid:key>/", heritage_views.entry_permalink, name="entry-permalink"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("embeds.urls")),
    path("", include("oai.urls")),
    path("", include("iiif.urls")),
    path("", include("datasets.urls")),
    path("", include("heritage.file_urls")),
]

urlpatterns += i18n_patterns(
    # Before Wagtail's own, which accepts any restriction and page id.
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        heritage_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("account/requests/", include("access_requests.urls")),
    path("account/", include("accounts.urls")),
    path("", include("citations.urls")),
    path("search/", search_views.search, name="search"),
    path("api/", api_docs_views.api_page, name="api-docs"),
    path(_("open-data/"), datasets_views.open_data, name="open-data"),
    path("search/autocomplete/", search_views.autocomplete, name="search-autocomplete"),
    # Wagtail's own, its page view routed from the structure kept per generation (heritage/structure.py).
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, heritage_views.serve_page, name="wagtail_serve"),
    prefix_default_language=True,
)
