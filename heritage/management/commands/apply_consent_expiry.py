from django.core.management.base import BaseCommand

from heritage.consent import apply_consent_expiry


class Command(BaseCommand):
    help = "Take out of public view the entries whose contributors' consent has ended (run daily from cron)."

    def handle(self, *args, **options) -> None:
        narrowed = apply_consent_expiry()
        self.stdout.write(f"{narrowed} entries narrowed to their consent")
