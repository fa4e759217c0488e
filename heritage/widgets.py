"""Editor widgets for choosing reference data: long lists of checkboxes (the 54 ethnic
groups, the archive's languages) sorted by name and filtered as the officer types, with
or without tone marks, by any of an item's names or codes."""

from django import forms

from heritage.folding import fold


def search_text(instance) -> str:
    """Every name and code an officer may type for a group or a language, folded."""
    parts = [getattr(instance, name, "") for name in ("name_vi", "name_en", "other_names", "code", "iso_639_3")]
    return fold(" ".join(part for part in parts if part))


class FilterableCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    # In the app's templates: Django's form renderer does not read the project's templates/.
    template_name = "heritage/widgets/filterable_checkboxes.html"

    class Media:
        js = ["js/filterable-choices.js"]

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        return sorted(groups, key=lambda group: fold(str(group[1][0]["label"])))

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None) -> dict:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        option["attrs"]["data-search"] = search_text(instance) if instance is not None else fold(str(label))
        return option
