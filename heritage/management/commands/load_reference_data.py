from django.core.management.base import BaseCommand

from heritage.models import EthnicGroup, Language, Place
from heritage.reference_data.load import index_reference_data, load_reference_data


class Command(BaseCommand):
    help = "Load or refresh the shipped ethnic groups, languages and provinces (keeps officers' additions)."

    def handle(self, *args, **options) -> None:
        counts = load_reference_data(EthnicGroup, Language, Place)
        index_reference_data()
        self.stdout.write(", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items()))
