from django.core.management.base import BaseCommand

from media_pipeline.jobs import retry
from media_pipeline.models import MediaAsset, MediaStatus


class Command(BaseCommand):
    help = (
        "Queue prepared recordings to be prepared again, for example after a change to the ladder in "
        "profiles.json. They keep playing their current renditions until the new ones replace them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("asset_ids", nargs="*", type=int, help="Only these assets (all by default).")
        parser.add_argument("--type", dest="media_type", choices=["audio", "video"], help="Only audio or only video.")

    def handle(self, *args, asset_ids: list[int], media_type: str | None, **options) -> None:
        assets = MediaAsset.objects.filter(status=MediaStatus.READY).order_by("pk")
        if asset_ids:
            assets = assets.filter(pk__in=asset_ids)
        if media_type:
            assets = assets.filter(type=media_type)
        count = 0
        for asset in assets.iterator():
            retry(asset)
            count += 1
        self.stdout.write(f"{count} recording(s) queued; `manage.py media_worker` prepares them.")
