from django.core.management.base import BaseCommand

from datasets.dumps import build


class Command(BaseCommand):
    help = "Build the open datasets (CSV, JSON Lines, data dictionary) now and serve them."

    def handle(self, *args, **options) -> None:
        result = build()
        whole = result.file("entries.csv")
        self.stdout.write(f"Built {len(result.files)} files, {whole['rows']} entry rows, in {result.folder}")
