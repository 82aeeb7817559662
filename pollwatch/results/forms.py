from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.elections.models import Contest

from .models import ResultBatch, Stage


class ImportForm(forms.Form):
    contest = forms.ModelChoiceField(queryset=Contest.objects.none(), label=_("Contest"))
    stage = forms.ChoiceField(choices=Stage.choices, label=_("Stage"))
    format = forms.ChoiceField(choices=ResultBatch.Format.choices, label=_("Format"))
    mapping = forms.ChoiceField(required=False, label=_("Column mapping"),
                                help_text=_("For tables: a saved mapping, or none for the standard headers"))
    file = forms.FileField(label=_("File"))
    note = forms.CharField(required=False, label=_("Note"), max_length=500)

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = Contest.objects.filter(election=election)
        names = list(election.result_mappings.values_list("name", flat=True)) if election else []
        self.fields["mapping"].choices = [("", _("standard headers")), *[(n, n) for n in names]]


class MappingForm(forms.Form):
    """A column mapping: the name, then one header per field (blank: not in the file)."""

    name = forms.SlugField(label=_("Name"), max_length=64)
    note = forms.CharField(required=False, label=_("Note"), max_length=255)

    def __init__(self, *args, fields=(), initial_columns=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_columns = initial_columns or {}
        for name in fields:
            label = name if name.startswith("choice:") else name.capitalize()
            self.fields[f"col:{name}"] = forms.CharField(required=(name == "station"), label=label,
                                                         initial=initial_columns.get(name, ""))

    def columns(self) -> dict[str, str]:
        return {key[4:]: value for key, value in self.cleaned_data.items()
                if key.startswith("col:") and value}


class AnnounceForm(forms.Form):
    source = forms.CharField(label=_("Source"), max_length=255,
                             help_text=_("e.g. CEC release of 27 March 2023"))
    announced_on = forms.DateField(required=False, label=_("Announced on"),
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for choice in choices:
            if not choice.is_against_all:
                self.fields[f"seats:{choice.code}"] = forms.IntegerField(
                    min_value=0, required=False, label=choice.name)

    def seats(self) -> dict[str, int]:
        return {key[6:]: value for key, value in self.cleaned_data.items()
                if key.startswith("seats:") and value is not None}

