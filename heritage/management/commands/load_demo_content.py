from pathlib import Path

from django.core.management.base import BaseCommand

from heritage.demo.loader import ACCOUNTS_FILE, load_demo_content


class Command(BaseCommand):
    help = "Build the demo archive (site tree, sample entries with generated media) and one account per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--without-audio-video",
            action="store_true",
            help="Skip generating audio and video samples (images are still drawn).",
        )
        parser.add_argument(
            "--accounts-file",
            type=Path,
            default=ACCOUNTS_FILE,
            help=f"Where the demo accounts' passwords are kept (default: {ACCOUNTS_FILE}).",
        )

    def handle(self, *args, **options) -> None:
        report = load_demo_content(
            with_media=not options["without_audio_video"], accounts_file=options["accounts_file"]
        )
        if report.created:
            self.stdout.write(f"Loaded {report.entries} sample entries with {report.media_files} media files.")
        else:
            self.stdout.write("Demo content is already loaded.")
        self.stdout.write("Accounts (username password) for http://127.0.0.1:8000/admin/:")
        for username, password in report.accounts:
            self.stdout.write(f"  {username:<11} {password}")
