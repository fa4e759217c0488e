from django.core.management.base import BaseCommand

from heritage.embargo import apply_embargoes


class Command(BaseCommand):
    help = "Open the entries whose embargo date has come, as far as access and consent allow (run daily from cron)."

    def handle(self, *args, **options) -> None:
        opened = apply_embargoes()
        self.stdout.write(f"{opened} entries opened at the end of their embargo")
