from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from media_pipeline.jobs import recover_interrupted_jobs


class Command(BaseCommand):
    help = (
        "Run a media worker: first requeue jobs whose worker died, then work on the media queue "
        "(the database worker, or an RQ worker when REDIS_URL is set)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--burst", action="store_true", help="Work until the queue is empty, then exit.")

    def handle(self, *args, burst: bool = False, **options) -> None:
        requeued = recover_interrupted_jobs()
        if requeued:
            self.stdout.write(f"Requeued interrupted media jobs: {', '.join(map(str, requeued))}")
        if settings.TASKS["media"]["BACKEND"].startswith("django_tasks_rq"):
            call_command("rqworker", "media", job_class="django_tasks_rq.Job", burst=burst)
        else:
            arguments = ["--backend", "media", "--queue-name", "media", "--no-reload", "--no-startup-delay"]
            call_command("db_worker", *arguments, *(["--batch"] if burst else []))
