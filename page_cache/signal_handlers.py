"""What drops the cached pages: any change to a model a public page can show. Rather
than a list of what pages show (which a new model or relation would silently miss),
every model is watched except those below, which no anonymous page shows or which
change on their own while visitors read (sessions, logs, lazily made thumbnails, jobs).

Publishing, unpublishing, moving or deleting a page, a change of access level (the
page's restriction), a consent record, a group, language, place, tag, contributor,
notice, media asset, caption or image each save a watched model. An embargo or a
consent end date passes with no save: cache keys hold the day instead (middleware)."""

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from .generation import forget_cached_pages

UNWATCHED_APPS = {
    "accounts",  # researchers' profiles and grants only change what signed-in people see
    "access_requests",
    "archive_search",
    "wagtail_localize",  # translation work in progress; publishing the translation saves its page
    "wagtailusers",
    "wagtailsearch",
    "wagtailadmin",
    "wagtailforms",
    "django_tasks_database",
    "axes",
    "admin",
    "auth",
    "contenttypes",
    "sessions",
}
UNWATCHED_MODELS = {
    "wagtailimages.Rendition",  # made on first view of a page, never changes what it shows
    "wagtailembeds.Embed",  # likewise fetched on first view
    "wagtailcore.Revision",  # drafts; publishing saves the page
    "wagtailcore.ModelLogEntry",
    "wagtailcore.PageLogEntry",
    "wagtailcore.ReferenceIndex",
    "wagtailcore.UploadedFile",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
    "wagtailcore.PageSubscription",
    "wagtailcore.WorkflowState",
    "wagtailcore.TaskState",
    "wagtailcore.Workflow",
    "wagtailcore.WorkflowTask",
    "wagtailcore.WorkflowPage",
    "wagtailcore.WorkflowContentType",
    "wagtailcore.Task",
    "wagtailcore.GroupApprovalTask",
    "wagtailcore.GroupPagePermission",
    "wagtailcore.GroupCollectionPermission",
    "wagtailcore.GroupSitePermission",
    "wagtailcore.APIToken",
}


def watched(model: type[Model]) -> bool:
    return model._meta.app_label not in UNWATCHED_APPS and model._meta.label not in UNWATCHED_MODELS


def forget_pages_on_change(sender, raw=False, action=None, **kwargs) -> None:
    if raw or action in ("pre_add", "pre_remove", "pre_clear"):
        return
    forget_cached_pages()


def connect_content_signals() -> None:
    for model in apps.get_models():
        if not watched(model):
            continue
        uid = f"page_cache:{model._meta.label}"
        post_save.connect(forget_pages_on_change, sender=model, dispatch_uid=uid)
        post_delete.connect(forget_pages_on_change, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            through = getattr(getattr(model, field.name), "through", None)
            if through is not None:
                m2m_changed.connect(forget_pages_on_change, sender=through, dispatch_uid=f"{uid}.{field.name}")
