from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from critical_css.inline import critical_css as critical_css_text

register = template.Library()


@register.simple_tag
def critical_css() -> str:
    return format_html("<style>{}</style>", mark_safe(critical_css_text()))
