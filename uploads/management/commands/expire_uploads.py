from django.core.management.base import BaseCommand

from uploads.tusd import expire_uploads


class Command(BaseCommand):
    help = "Remove resumable uploads left unfinished for longer than UPLOADS_EXPIRE_HOURS."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Removed {expire_uploads()} expired upload(s).")
