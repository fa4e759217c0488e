"""The editor's choosers for places and people: searched folded ("lang son" finds Lạng Sơn)
on the database rather than the search index, so they work the same on every backend and
at once after a save, and with a "create" tab so an officer adds a missing commune,
village or person without leaving the entry. Only users with the model's add permission
see and may use that tab (Wagtail's CreationFormMixin checks it)."""

import unicodedata
from functools import reduce
from operator import and_, or_

from django import forms
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet

from heritage.folding import fold
from heritage.models import Contributor, EthnicGroup, Place
from heritage.slugs import vietnamese_slug

MAX_QUERY_WORDS = 8


class FoldedSearchForm(BaseFilterForm):
    """Every word typed, folded, must appear in one of `folded_fields`."""

    folded_fields: tuple[str, ...] = ()
    own_field = ""

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
        max_length=200,
    )

    def filter(self, objects: QuerySet) -> QuerySet:
        objects = super().filter(objects)
        words = fold(self.cleaned_data.get("q") or "").split()[:MAX_QUERY_WORDS]
        if not words:
            return objects
        for word in words:
            objects = objects.filter(reduce(or_, (Q(**{f"{field}__contains": word}) for field in self.folded_fields)))
        self.is_searching = True
        self.search_query = self.cleaned_data["q"]
        # What the words name itself comes before what merely lies in it.
        own_match = reduce(and_, (Q(**{f"{self.own_field}__contains": word}) for word in words))
        ordering = objects.query.order_by or objects.model._meta.ordering
        return objects.order_by(Case(When(own_match, then=Value(0)), default=Value(1)), *ordering)


class PlaceSearchForm(FoldedSearchForm):
    # A commune is found by its own name or its province's ("hoa lang son").
    folded_fields = ("folded_names", "parent__folded_names")
    own_field = "folded_names"


class ContributorSearchForm(FoldedSearchForm):
    folded_fields = ("folded_name",)
    own_field = "folded_name"


class KindColumnMixin:
    @property
    def columns(self) -> list[Column]:
        return [*super().columns, Column("kind", label=_("Kind"), accessor="get_kind_display")]


class PlaceChooseView(KindColumnMixin, ChooseView):
    filter_form_class = PlaceSearchForm


class PlaceChooseResultsView(KindColumnMixin, ChooseResultsView):
    filter_form_class = PlaceSearchForm


class ContributorChooseView(KindColumnMixin, ChooseView):
    filter_form_class = ContributorSearchForm


class ContributorChooseResultsView(KindColumnMixin, ChooseResultsView):
    filter_form_class = ContributorSearchForm


LOCAL_KINDS = {
    Place.Kind.COMMUNE: (Place.Kind.CITY, Place.Kind.PROVINCE),
    Place.Kind.VILLAGE: (Place.Kind.COMMUNE,),
}


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, place: Place) -> str:
        return f"{place} ({place.get_kind_display()})"


class NewPlaceForm(forms.ModelForm):
    """A commune in a province, or a village in a commune, as they are today."""

    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=[(kind.value, kind.label) for kind in LOCAL_KINDS])
    parent = PlaceChoiceField(
        label=capfirst(_("part of")),
        queryset=Place.objects.filter(kind__in=[Place.Kind.CITY, Place.Kind.PROVINCE, Place.Kind.COMMUNE])
        .select_related("parent")
        .order_by(Case(When(kind=Place.Kind.COMMUNE, then=Value(1)), default=Value(0)), "name_vi"),
        help_text=_("For a commune, its province; for a village, its commune."),
    )

    class Meta:
        model = Place
        fields = ["name_vi", "name_en", "kind", "parent"]

    def clean_name_vi(self) -> str:
        name = unicodedata.normalize("NFC", self.cleaned_data["name_vi"])
        if not vietnamese_slug(name):
            raise forms.ValidationError(_("A place name needs letters or digits."))
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, parent, name = cleaned.get("kind"), cleaned.get("parent"), cleaned.get("name_vi")
        if kind and parent and parent.kind not in LOCAL_KINDS[kind]:
            message = (
                _("A commune lies in a province or centrally-run city.")
                if kind == Place.Kind.COMMUNE
                else _("A village lies in a commune.")
            )
            self.add_error("parent", message)
        elif name and parent and any(fold(child.name_vi) == fold(name) for child in parent.children.only("name_vi")):
            self.add_error("name_vi", _("%(place)s is already in the list.") % {"place": f"{name}, {parent.name}"})
        return cleaned

    def save(self, commit: bool = True) -> Place:
        place = super().save(commit=False)
        base = vietnamese_slug(f"{place.name_vi} {place.parent.code}", max_length=90)
        code, number = base, 1
        while Place.objects.filter(code=code).exists():
            number += 1
            code = f"{base}-{number}"
        place.code = code
        if commit:
            place.save()
        return place


class NewContributorForm(forms.ModelForm):
    ethnic_group = forms.ModelChoiceField(
        label=capfirst(_("ethnic group")), queryset=EthnicGroup.objects.order_by("name_vi"), required=False
    )

    class Meta:
        model = Contributor
        fields = ["name", "kind", "ethnic_group"]

    def clean_name(self) -> str:
        name = unicodedata.normalize("NFC", self.cleaned_data["name"])
        if not fold(name).strip(" .,;:-'\""):
            raise forms.ValidationError(_("A name needs letters."))
        return name


class PlaceChooserViewSet(SnippetChooserViewSet):
    choose_view_class = PlaceChooseView
    choose_results_view_class = PlaceChooseResultsView
    creation_form_class = NewPlaceForm
    creation_tab_label = _("New commune or village")
    create_action_label = _("Add and choose")

    def get_object_list(self) -> QuerySet:
        return Place.objects.select_related("parent")


class ContributorChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ContributorChooseView
    choose_results_view_class = ContributorChooseResultsView
    creation_form_class = NewContributorForm
    creation_tab_label = _("New person")
    create_action_label = _("Add and choose")
