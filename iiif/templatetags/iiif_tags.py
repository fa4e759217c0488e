from django import template

from heritage.models import EntryPage
from iiif.manifests import has_manifest, manifest_url

register = template.Library()


@register.simple_tag
def iiif_manifest_url(page: EntryPage) -> str:
    """The address of the entry's IIIF manifest, or "" when it has none."""
    return manifest_url(page.translation_key) if has_manifest(page) else ""
