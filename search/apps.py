from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "archive_search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from search.node_index import ensure_after_migrate

        # After the tables (and the reference data) exist: the node's indexes, made by us.
        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="search_node_index")
