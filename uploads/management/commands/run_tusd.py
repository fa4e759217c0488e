"""Run tusd for the archive (as `make run` does) and remove expired uploads every so often."""

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand

from uploads import tusd

EXPIRY_INTERVAL_SECONDS = 600


class Command(BaseCommand):
    help = "Build if needed and run tusd, the resumable upload server, with the archive's hooks."

    def handle(self, *args, **options) -> None:
        # `make run` stops its jobs with SIGTERM: leave through `finally` so tusd stops too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        arguments, environment = tusd.tusd_command(tusd.tusd_binary())
        process = subprocess.Popen(arguments, env={**os.environ, **environment})
        try:
            while process.poll() is None:
                removed = tusd.expire_uploads()
                if removed:
                    self.stdout.write(f"Removed {removed} expired upload(s).")
                try:
                    process.wait(timeout=EXPIRY_INTERVAL_SECONDS)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
