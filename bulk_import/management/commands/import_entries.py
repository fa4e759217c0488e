from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bulk_import.importer import import_entries


class Command(BaseCommand):
    help = "Import entries from a CSV and a folder of media as drafts (see docs/bulk-import.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("csv", type=Path)
        parser.add_argument("media_dir", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Report what would be created; write nothing.")
        parser.add_argument("--user", default="", help="The officer the drafts belong to (default: none).")

    def handle(self, *args, csv: Path, media_dir: Path, dry_run: bool, user: str, **options) -> None:
        if not csv.is_file():
            raise CommandError(f"No such file: {csv}")
        if not media_dir.is_dir():
            raise CommandError(f"No such folder: {media_dir}")
        owner = None
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"No such user: {user}")
        text = csv.read_text(encoding="utf-8-sig")
        report = import_entries(text, media_dir, owner, dry_run=dry_run, source_name=csv.name)
        for error in report.plan.file_errors:
            self.stdout.write(f"row {error.row}, column {error.column}: {error.message}")
        for row in report.plan.rows:
            self.stdout.write(f"row {row.number}: {row.status} {row.title}")
            for error in row.errors if row.status == "error" else []:
                self.stdout.write(f"row {error.row}, column {error.column}: {error.message}")
        created = report.plan.count("create") if dry_run else len(report.created)
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{verb} {created}, skipped {report.plan.count('skip')} already imported, {len(report.errors)} errors"
        )
