"""Carrying out an import plan: each row without errors becomes a draft entry (with an
English translation draft when it has an English title), its files taken in through the
same forms and checks as an upload in the admin (type sniffing, checksum, duplicates,
transcoding job). Each row is written in its own transaction with its import key, so a
row that fails leaves nothing behind and a second run skips the rows already in."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.log_actions import LogContext
from wagtail.models import Collection, Locale
from wagtailmedia.forms import get_media_form
from wagtailmedia.models import get_media_model

from heritage.access import apply_access_level
from heritage.models import Contributor, EntryPage, RecordingPage
from heritage.models.entries import EntryContributor, EntryPlace
from heritage.models.site import index_page_for

from .models import ImportedRow
from .plan import IMAGE_EXTENSIONS, ImportPlan, PlannedRow, RowError, make_plan


@dataclass
class ImportReport:
    plan: ImportPlan
    dry_run: bool
    created: list[EntryPage] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return self.plan.errors


class RowFailedError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def import_entries(text: str, media_folder: Path | None, user, dry_run: bool, source_name: str = "") -> ImportReport:
    """Plan the CSV `text`; unless `dry_run`, create the rows that have no error."""
    plan = make_plan(text, media_folder)
    report = ImportReport(plan=plan, dry_run=dry_run)
    if dry_run:
        return report
    with LogContext(user=user):
        for row in plan.to_create:
            try:
                with transaction.atomic():
                    report.created.append(_create_entry(row, user, source_name))
            except RowFailedError as failure:
                row.error(failure.column, failure.message)
    return report


def may_import(user, model: type[EntryPage]) -> bool:
    """Whether `user` may add entries of this type: Wagtail's own page permission."""
    parent = _parent_for(model)
    return parent is not None and parent.permissions_for_user(user).can_add_subpage()


def _parent_for(model: type[EntryPage]):
    return index_page_for(model).objects.filter(locale__language_code="vi").first()


def _create_entry(row: PlannedRow, user, source_name: str) -> EntryPage:
    values = row.values
    if user is not None and not may_import(user, row.model):
        raise RowFailedError("type", _("You may not add entries of this type."))
    page = row.model(
        title=values["title_vi"],
        summary=values["summary_vi"],
        attribution=values["attribution"],
        documented_on=row.documented_on,
        live=False,
        owner=user,
    )
    for name in ("access_level", "licence", "category", "genre"):
        if values.get(name) and hasattr(page, name):
            setattr(page, name, values[name])
    if row.languages and row.model is not RecordingPage:
        page.native_title_language = row.languages[0]
    page.ethnic_groups = row.groups
    page.places = [EntryPlace(place=place) for place in row.places]
    page.contributors = [EntryContributor(contributor=_person(person), role=person.role) for person in row.people]
    if row.model is RecordingPage:
        page.content_languages = row.languages
    page.media = [_media_block(path, values["title_vi"], page.access_level, user) for path in row.media_files]
    _parent_for(row.model).add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    apply_access_level(page, page.access_level)
    if values.get("title_en"):
        translation = page.copy_for_translation(Locale.objects.get(language_code="en")).specific
        translation.title = values["title_en"]
        translation.summary = values.get("summary_en") or values["summary_vi"]
        translation.save()
        translation.save_revision(user=user, log_action=True)
    ImportedRow.objects.create(key=row.key, entry=page, source_name=source_name[:255], imported_by=user)
    return page


def _person(person) -> Contributor:
    if person.existing is not None:
        return person.existing
    contributor, _created = Contributor.objects.get_or_create(
        name=person.name, defaults={"kind": Contributor.Kind.KNOWLEDGE_KEEPER}
    )
    person.existing = contributor
    return contributor


def _media_block(path: Path, title: str, access_level: str, user) -> tuple[str, dict]:
    """The file taken in through the admin's own upload form; one already in the archive
    (same SHA-256) is used again rather than stored twice."""
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    collection = Collection.get_first_root_node()
    data = {"title": f"{title} – {path.name}"[:255], "collection": collection.pk}
    if path.suffix.lower().lstrip(".") in IMAGE_EXTENSIONS:
        form = get_image_form(get_image_model())(data, {"file": upload}, user=user)
        if not form.is_valid():
            raise RowFailedError("media", f"{path.name}: {_form_errors(form)}")
        image = form.save()
        return ("image", {"image": image, "caption": "", "alt_text": title})
    model = get_media_model()
    form_class = get_media_form(model, fields=["title", "file", "access_level"])
    form = form_class({**data, "access_level": access_level}, {"file": upload}, instance=model(type="video"), user=user)
    if not form.is_valid():
        duplicate = [error for error in form.errors.as_data().get("file", []) if error.code == "duplicate"]
        if duplicate and form.checked_upload is not None:
            asset = model.objects.filter(sha256=form.checked_upload.sha256).order_by("pk").first()
            return ("audio_video", {"media": asset, "caption": "", "transcript": ""})
        raise RowFailedError("media", f"{path.name}: {_form_errors(form)}")
    asset = form.save()
    return ("audio_video", {"media": asset, "caption": "", "transcript": ""})


def _form_errors(form) -> str:
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
