"""When the datasets are rebuilt. Any change that may take an entry, or a contributor's
name, out of the public view (publishing, unpublishing, deleting, an access or consent
change) marks the served build stale at once, in the request that made the change: from
then on downloads answer 503 with Retry-After until a build that began after the change has
finished (heritage can never be downloaded after it left the site, at the price of a short
gap). The rebuild runs on the background worker ("media" task backend, `manage.py
media_worker`), after `DATASETS_REBUILD_DELAY_SECONDS` so that a burst of changes makes one
rebuild: only the first change of a burst queues it."""

from datetime import timedelta

from django_tasks import task, task_backends

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from datasets import dumps
from datasets.models import DatasetBuild


def public_data_changed() -> None:
    """Mark the served datasets stale and queue one rebuild for the burst."""
    DatasetBuild.current()
    DatasetBuild.objects.filter(pk=1).update(stale=True, generation=F("generation") + 1)
    if DatasetBuild.objects.filter(pk=1, rebuild_queued=False).update(rebuild_queued=True):
        transaction.on_commit(_enqueue_rebuild)


def _enqueue_rebuild() -> None:
    delay = settings.DATASETS_REBUILD_DELAY_SECONDS
    if delay and task_backends[rebuild_datasets.backend].supports_defer:
        rebuild_datasets.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()
    else:
        rebuild_datasets.enqueue()


@task(backend="media", queue_name="media")
def rebuild_datasets() -> int:
    """Build every dataset now; returns the number of entry rows."""
    # Changes from here on queue a rebuild of their own.
    DatasetBuild.current()
    DatasetBuild.objects.filter(pk=1).update(rebuild_queued=False)
    build = dumps.build()
    return next(file["rows"] for file in build.files if file["name"] == f"{dumps.WHOLE}.csv")
