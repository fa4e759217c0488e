"""Replay on the search node the changes it missed while it was down (publishing and
deleting went on meanwhile; the database index already has them)."""

from django.core.management.base import BaseCommand, CommandError

from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_instance

from search.models import MissedIndexChange


class Command(BaseCommand):
    help = "Send the search node the changes it missed while it could not be reached."

    def handle(self, *args, **options) -> None:
        backend = get_search_backend()
        if not getattr(backend, "folds_queries", False):
            self.stdout.write("No search node is configured; the database index is always current.")
            return
        done = 0
        for change in MissedIndexChange.objects.select_related("content_type").order_by("missed_at"):
            model = change.content_type.model_class()
            obj = None if change.deleted else model.objects.filter(pk=change.object_id).first()
            indexed = get_indexed_instance(obj) if obj is not None else None
            try:
                if indexed is not None:
                    backend.add(indexed)
                else:
                    backend.delete(model(pk=change.object_id))
            except Exception as error:
                raise CommandError(
                    f"The search node still cannot be reached ({error.__class__.__name__}); "
                    f"{done} of the missed changes were sent, the rest are kept for the next run."
                ) from error
            change.delete()
            done += 1
        self.stdout.write(f"Sent {done} missed changes to the search node.")
