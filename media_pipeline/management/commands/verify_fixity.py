import hashlib

from django.core.management.base import BaseCommand, CommandError

from media_pipeline.models import MediaAsset

CHUNK_SIZE = 1024 * 1024


class Command(BaseCommand):
    help = "Recompute the SHA-256 of every stored original and compare it with the recorded one."

    def add_arguments(self, parser) -> None:
        parser.add_argument("asset_ids", nargs="*", type=int, help="Only these assets (all by default).")

    def handle(self, *args, asset_ids: list[int], **options) -> None:
        assets = MediaAsset.objects.exclude(sha256="").order_by("pk")
        if asset_ids:
            assets = assets.filter(pk__in=asset_ids)
        checked, problems = 0, []
        for asset in assets.iterator():
            checked += 1
            try:
                digest = _sha256(asset)
            except FileNotFoundError:
                problems.append(f"{asset.pk} {asset.file.name}: original is missing")
                continue
            if digest != asset.sha256:
                problems.append(f"{asset.pk} {asset.file.name}: expected {asset.sha256}, found {digest}")
        unrecorded = MediaAsset.objects.filter(sha256="").count()
        for problem in problems:
            self.stderr.write(problem)
        summary = f"Checked {checked} originals: {checked - len(problems)} intact, {len(problems)} not."
        if unrecorded:
            summary += f" {unrecorded} not yet checksummed (still queued)."
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary)


def _sha256(asset: MediaAsset) -> str:
    digest = hashlib.sha256()
    with asset.file.storage.open(asset.file.name, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()
