"""Builds the demo archive: the site tree in Vietnamese and English, about twenty
sample entries from entries.json with media generated on this machine (one with a
sacred notice, one under embargo), one account per role, and one access request granted
and one waiting. Goes through Django's storage API, so it works on local disk and on S3."""

import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtail.rich_text import RichText
from wagtailmedia.models import get_media_model

from access_requests.models import AccessGrant, AccessRequest
from heritage.access import ADMINISTRATORS, OFFICERS, RESEARCHERS, REVIEWERS
from heritage.consent import withdraw
from heritage.demo import sample_media
from heritage.models import (
    ENTRY_TYPES,
    Contributor,
    CustomIndexPage,
    EntryContributor,
    EntryPage,
    EntryPlace,
    EthnicGroup,
    EthnicGroupIndexPage,
    FestivalIndexPage,
    HomePage,
    Language,
    Place,
    PlaceIndexPage,
    RecordingIndexPage,
    SensitivityNotice,
)
from heritage.models.consent import ConsentRecord, ConsentScope
from heritage.models.site import index_page_for
from media_pipeline.models import CaptionTrack

ENTRIES_FILE = Path(__file__).resolve().parent / "entries.json"
ACCOUNTS_FILE = settings.LOCAL_DATA_DIR / "demo-accounts.txt"
SCOPE_FOR_DEMO_LEVEL = {
    "public": ConsentScope.PUBLIC,
    "on_request": ConsentScope.PUBLIC,
    "researchers": ConsentScope.RESEARCHERS,
    "restricted": ConsentScope.COMMUNITY,
}

SECTIONS = [
    # model, Vietnamese title and slug, English title and slug, introduction vi/en
    (
        FestivalIndexPage,
        ("Lễ hội", "le-hoi"),
        ("Festivals", "festivals"),
        ("Lễ hội truyền thống của các dân tộc, theo mùa và theo vùng.", "Traditional festivals, by season and region."),
    ),
    (
        CustomIndexPage,
        ("Phong tục", "phong-tuc"),
        ("Customs", "customs"),
        ("Tập quán, nghề thủ công, trang phục, kiến trúc và tín ngưỡng.", "Customs, crafts, costume, architecture."),
    ),
    (
        RecordingIndexPage,
        ("Bản ghi ngôn ngữ", "ban-ghi"),
        ("Language recordings", "recordings"),
        ("Lời hát, truyện kể, sử thi và lời nói của các dân tộc.", "Songs, tales, epics and speech."),
    ),
    (
        EthnicGroupIndexPage,
        ("Các dân tộc", "dan-toc"),
        ("Ethnic groups", "ethnic-groups"),
        ("54 dân tộc của Việt Nam.", "The 54 ethnic groups of Vietnam."),
    ),
    (
        PlaceIndexPage,
        ("Địa phương", "dia-phuong"),
        ("Places", "places"),
        ("34 tỉnh, thành phố từ ngày 1/7/2025.", "The 34 provinces and cities since 1 July 2025."),
    ),
]
# entries.json names each entry's type by its model without "page": "festival" for FestivalPage.
ENTRY_TYPES_BY_NAME = {entry_type._meta.model_name.removesuffix("page"): entry_type for entry_type in ENTRY_TYPES}
DEMO_ACCOUNTS = [
    ("admin", None, True),
    ("officer", OFFICERS, False),
    ("reviewer", REVIEWERS, False),
    ("researcher", RESEARCHERS, False),
    # Signed in, not a researcher: asks for access to a researchers-only entry.
    ("visitor", None, False),
]
# The demo's access requests: (who, entry slug, purpose, granted for this many days or None).
DEMO_REQUESTS = [
    (
        "researcher",
        "tu-vung-bru-van-kieu",
        "So sánh danh sách từ tiếng Bru Vân Kiều với các ngôn ngữ Katu khác cho luận văn thạc sĩ.",
        365,
    ),
    (
        "visitor",
        "ky-uc-nha-guol-co-tu",
        "Chuẩn bị một buổi nói chuyện ở trường về nhà Gươl của người Cơ Tu.",
        None,
    ),
]


@dataclass
class DemoReport:
    created: bool = False
    entries: int = 0
    media_files: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)


def load_demo_content(with_media: bool = True, accounts_file: Path = ACCOUNTS_FILE) -> DemoReport:
    report = DemoReport()
    vi, _ = Locale.objects.get_or_create(language_code="vi")
    en, _ = Locale.objects.get_or_create(language_code="en")
    if not HomePage.objects.exists():
        with transaction.atomic():
            home = _build_site(vi, en)
            for entry in json.loads(ENTRIES_FILE.read_text(encoding="utf-8"))["entries"]:
                report.media_files += _create_entry(home, entry, en, with_media)
                report.entries += 1
        report.created = True
    report.accounts = _ensure_accounts(accounts_file)
    _ensure_access_requests()
    return report


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _build_site(vi: Locale, en: Locale) -> HomePage:
    root = Page.get_first_root_node()
    # Wagtail's installer leaves a "Welcome" page; the archive's home replaces it.
    for page in root.get_children().exact_type(Page):
        page.delete()
    home = root.add_child(
        instance=HomePage(
            title="Di sản văn hóa các dân tộc thiểu số Việt Nam",
            slug="home",
            locale=vi,
            introduction=(
                "<p>Kho lưu trữ mở về lễ hội, phong tục và tiếng nói của các dân tộc thiểu số. "
                "Nội dung trong bản trình diễn này là <b>dữ liệu mẫu</b>.</p>"
            ),
        )
    )
    _publish(home)
    base_url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": base_url.hostname or "localhost",
            "port": base_url.port or (443 if base_url.scheme == "https" else 80),
            "root_page": home,
            "site_name": "Di sản dân tộc",
        },
    )
    home_en = home.copy_for_translation(en)
    home_en.title = "Cultural heritage of Vietnam's ethnic minorities"
    home_en.introduction = (
        "<p>An open archive of the festivals, customs and languages of ethnic minority communities. "
        "The content of this demonstration is <b>sample data</b>.</p>"
    )
    _publish(home_en)
    for model, (title_vi, slug_vi), (title_en, slug_en), (intro_vi, intro_en) in SECTIONS:
        section = home.add_child(instance=model(title=title_vi, slug=slug_vi, introduction=intro_vi, locale=vi))
        _publish(section)
        section_en = section.copy_for_translation(en)
        section_en.title, section_en.slug, section_en.introduction = title_en, slug_en, intro_en
        _publish(section_en)
    return home


def _paragraphs(paragraphs: list[str]) -> list[tuple[str, RichText]]:
    return [("paragraph", RichText(f"<p>{escape(text)}</p>")) for text in paragraphs]


def _create_media_blocks(entry: dict, seed: int, with_media: bool) -> tuple[list, list, int]:
    """Media StreamField values for the Vietnamese and English pages, and a file count."""
    blocks_vi, blocks_en, created = [], [], 0
    collection = Collection.get_first_root_node()
    for number, hint in enumerate(entry["media"]):
        if not with_media and hint["kind"] != "image":
            continue
        # Stored names say nothing about the entry, so they cannot be guessed from its slug.
        name = secrets.token_hex(12)
        if hint["kind"] == "image":
            content = sample_media.draw_image(hint["title_vi"], "Ảnh mẫu / Sample image", seed + number)
            image = get_image_model()(
                title=hint["title_vi"],
                collection=collection,
                file=ImageFile(io.BytesIO(content), name=f"{name}.jpg"),
            )
            image.save()
            blocks_vi.append(("image", {"image": image, "caption": hint["title_vi"], "alt_text": hint["title_vi"]}))
            blocks_en.append(("image", {"image": image, "caption": hint["title_en"], "alt_text": hint["title_en"]}))
        else:
            asset = get_media_model()(
                title=hint["title_vi"], type=hint["kind"], collection=collection, access_level=entry["access"]
            )
            if hint["kind"] == "video":
                content, poster = sample_media.make_video(hint["speech_vi"], hint["title_vi"])
                suffix = ".mp4"
                asset.thumbnail.save(f"{name}.jpg", ContentFile(poster), save=False)
                asset.width, asset.height = sample_media.VIDEO_SIZE
            else:
                content, suffix = sample_media.speak_audio(hint["speech_vi"]), ".m4a"
            asset.file.save(f"{name}{suffix}", ContentFile(content), save=False)
            asset.save()
            transcript_vi = "\n".join(entry.get("transcript_vi", [])) or hint["speech_vi"]
            transcript_en = "\n".join(entry.get("transcript_en", [])) or hint["caption_en"]
            _add_captions(asset, name, sample_media.duration_of(content, suffix), transcript_vi, transcript_en)
            blocks_vi.append(
                ("audio_video", {"media": asset, "caption": hint["title_vi"], "transcript": transcript_vi})
            )
            blocks_en.append(
                ("audio_video", {"media": asset, "caption": hint["title_en"], "transcript": transcript_en})
            )
        created += 1
    return blocks_vi, blocks_en, created


def _add_captions(asset, name: str, duration: float, transcript_vi: str, transcript_en: str) -> None:
    """Caption tracks in both languages, from the transcripts, spread over the recording."""
    for language, label, transcript in (("vi", "Tiếng Việt", transcript_vi), ("en", "English", transcript_en)):
        kind = CaptionTrack.Kind.CAPTIONS if language == "vi" else CaptionTrack.Kind.SUBTITLES
        track = CaptionTrack(asset=asset, language=language, label=label, kind=kind)
        content = sample_media.captions(transcript.splitlines(), duration)
        track.file.save(f"{name}.{language}.vtt", ContentFile(content), save=False)
        track.full_clean()
        track.save()


def _type_fields(model: type[EntryPage], entry: dict, language: str) -> dict:
    """The values of the fields only this entry type has: `name_vi`/`name_en` for text in
    each language, `name` otherwise, languages by code."""
    values = {}
    for model_field in model._meta.get_fields(include_parents=False):
        if not model_field.concrete or model_field.auto_created:
            continue
        value = entry.get(f"{model_field.name}_{language}", entry.get(model_field.name))
        if value is None:
            continue
        if model_field.related_model is Language:
            languages = Language.objects.filter(code__in=value if model_field.many_to_many else [value])
            value = list(languages) if model_field.many_to_many else languages.first()
        values[model_field.name] = value
    return values


def _contributors(entry: dict) -> list[EntryContributor]:
    people = [(person["name"], person["role"]) for person in entry.get("speakers", [])]
    if entry.get("collector"):
        people.append((entry["collector"], "collector"))
    rows = []
    for name, role in people:
        kind = Contributor.Kind.COLLECTOR if role == "collector" else Contributor.Kind.KNOWLEDGE_KEEPER
        contributor, _ = Contributor.objects.get_or_create(name=name, defaults={"kind": kind})
        rows.append(
            EntryContributor(
                contributor=contributor,
                role=role,
                consent_note="Dữ liệu mẫu: người không có thật. / Sample data: not a real person.",
            )
        )
    return rows


def _record_consent(page: EntryPage, entry: dict) -> None:
    """Each person's consent, as wide as the entry's access; the demo shows one withdrawal."""
    recorded = entry.get("recorded_date")
    for row in page.contributors.select_related("contributor"):
        record, _ = ConsentRecord.objects.get_or_create(
            entry=page,
            contributor=row.contributor,
            defaults={
                "scope": SCOPE_FOR_DEMO_LEVEL[entry["access"]],
                "given_on": date.fromisoformat(recorded) if recorded else None,
                "note": row.consent_note,
            },
        )
        if row.contributor.name in entry.get("consent_withdrawn_by", []):
            withdraw(record, None)


def _embargo_end(entry: dict) -> date | None:
    """The demo's embargo ends a while after the demo is made, so it is in force when shown."""
    days = entry.get("embargo_days")
    return timezone.localdate() + timedelta(days=days) if days else None


def _create_entry(home: HomePage, entry: dict, en: Locale, with_media: bool) -> int:
    model = ENTRY_TYPES_BY_NAME[entry["type"]]
    parent = home.get_children().type(index_page_for(model)).first().specific
    type_fields = _type_fields(model, entry, "vi")
    related = {name: type_fields.pop(name) for name in list(type_fields) if isinstance(type_fields[name], list)}
    groups = list(EthnicGroup.objects.filter(code__in=entry["ethnic_groups"]))
    province = Place.objects.get(code=entry["province"])
    media_vi, media_en, created = _create_media_blocks(entry, len(entry["slug"]) * 7, with_media)
    recorded = entry.get("recorded_date")
    page = model(
        title=entry["title_vi"],
        slug=entry["slug"],
        native_title=entry["native_title"],
        native_title_language=Language.objects.filter(code=entry["native_title_language"]).first(),
        summary=entry["summary_vi"],
        body=_paragraphs(entry["body_vi"]),
        media=media_vi,
        documented_on=date.fromisoformat(recorded) if recorded else None,
        licence=entry["licence"],
        attribution=entry["attribution"],
        access_level=entry["access"],
        embargo_until=_embargo_end(entry),
        **type_fields,
    )
    page.ethnic_groups = groups
    page.notices = list(SensitivityNotice.objects.filter(code__in=entry.get("notices", [])))
    page.places = [EntryPlace(place=province, name_as_recorded=entry["place_as_recorded"])]
    page.contributors = _contributors(entry)
    for name, values in related.items():
        setattr(page, name, values)
    page.tags.add(*entry["tags"])
    parent.add_child(instance=page)
    _publish(page)
    _record_consent(page, entry)

    translation = page.copy_for_translation(en).specific
    translation.title = entry["title_en"]
    translation.summary = entry["summary_en"]
    translation.body = _paragraphs(entry["body_en"])
    translation.media = media_en
    for name, value in _type_fields(model, entry, "en").items():
        if name not in related:
            setattr(translation, name, value)
    _publish(translation)
    return created


def _ensure_access_requests() -> None:
    """One request granted (by the demo officer, for a year from loading) and one waiting."""
    user_model = get_user_model()
    officer = user_model.objects.get(username="officer")
    for username, slug, purpose, days in DEMO_REQUESTS:
        user = user_model.objects.get(username=username)
        entry = EntryPage.objects.filter(slug=slug, locale__language_code="vi").first()
        if entry is None or AccessRequest.objects.filter(requester=user, entry=entry).exists():
            continue
        access_request = AccessRequest.objects.create(requester=user, entry=entry, purpose=purpose)
        if days is not None:
            access_request.state = AccessRequest.State.GRANTED
            access_request.decided_by, access_request.decided_at = officer, timezone.now()
            access_request.save()
            ends_on = timezone.localdate() + timedelta(days=days)
            AccessGrant.objects.create(
                entry=entry, user=user, ends_on=ends_on, granted_by=officer, request=access_request
            )


def _ensure_accounts(accounts_file: Path) -> list[tuple[str, str]]:
    """One account per role. Passwords are random and kept in `accounts_file` (var/,
    not in git), so that running the loader again can print them again."""
    user_model = get_user_model()
    saved = {}
    if accounts_file.exists():
        for line in accounts_file.read_text().splitlines():
            username, _, password = line.partition(" ")
            saved[username] = password
    accounts = []
    for username, group_name, is_superuser in DEMO_ACCOUNTS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = user_model.objects.create_user(
                username=username,
                email=f"{username}@example.org",
                password=password,
                is_superuser=is_superuser,
                is_staff=is_superuser,
            )
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            if is_superuser:
                user.groups.add(Group.objects.get(name=ADMINISTRATORS))
            saved[username] = password
        accounts.append((username, saved.get(username, "(set earlier; unknown)")))
    accounts_file.parent.mkdir(parents=True, exist_ok=True)
    accounts_file.write_text("".join(f"{name} {password}\n" for name, password in accounts))
    accounts_file.chmod(0o600)
    return accounts
