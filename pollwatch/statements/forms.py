from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .figures import reference_errors
from .models import Finding, FindingEvidence, FindingPhase, Statement
from .template import SECTIONS, figure_example
from .translations import language_name


class FindingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    language = forms.ChoiceField(label=_("Written in"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), choices=FindingPhase.choices)
    standards = forms.MultipleChoiceField(label=_("Standards"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    group = forms.ChoiceField(label=_("Group"), required=False)

    def __init__(self, *args, mission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["text"].help_text = _("Figures: %(example)s") % {"example": figure_example(mission)}
        languages = mission.languages or ["en"]
        self.fields["language"].choices = [(code, language_name(code)) for code in languages]
        page = (get_language() or "en").split("-")[0]
        self.fields["language"].initial = page if page in languages else languages[0]
        self.fields["standards"].choices = [(s["code"], s.get("label", s["code"]))
                                            for s in mission.standards or []]
        self.fields["group"].choices = [("", _("The whole mission")),
                                        *[(str(g.pk), g.local_name) for g in mission.groups.all()]]

    def clean_group(self):
        value = self.cleaned_data["group"]
        return self.mission.groups.filter(pk=value).first() if value else None

    def clean_language(self):
        return self.cleaned_data["language"] or self.fields["language"].initial

    def clean_text(self):
        text = self.cleaned_data["text"]
        problems = reference_errors(self.mission, [text])
        if problems:
            raise forms.ValidationError(problems)
        return text

    @classmethod
    def initial_for(cls, finding: Finding) -> dict:
        return {"title": finding.title, "text": finding.text, "language": finding.language,
                "phase": finding.phase,
                "standards": finding.standards, "group": str(finding.group_id or "")}


class TranslationForm(forms.Form):
    """The finding's version in one other language of the mission."""

    title = forms.CharField(label=_("Title"), max_length=255)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingEvidence.Kind.choices)
    target = forms.CharField(label=_("Number or page"), max_length=500, help_text=_(
        "The submission, incident or meeting number, or the path of an analysis page"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StatementCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, required=False,
                            help_text=_("Empty: the template's title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Statement.Kind.choices)
    group = forms.ChoiceField(label=_("Group"), required=False)
    groups = forms.MultipleChoiceField(label=_("Groups signing a common statement"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=settings.LANGUAGES,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, mission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        groups = [(str(g.pk), g.local_name) for g in mission.groups.all()]
        self.fields["group"].choices = [("", _("The whole mission")), *groups]
        self.fields["groups"].choices = groups
        self.fields["languages"].initial = mission.languages

    def clean_group(self):
        value = self.cleaned_data["group"]
        return self.mission.groups.filter(pk=value).first() if value else None

    def clean_groups(self):
        return list(self.mission.groups.filter(pk__in=self.cleaned_data["groups"] or []))


class StatementTextForm(forms.Form):
    """One language of a statement: its title and a text per section."""

    title = forms.CharField(label=_("Title"), max_length=255)

    def __init__(self, *args, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[f"section:{section.key}"] = forms.CharField(
                label=section.heading(language), required=False,
                widget=forms.Textarea(attrs={"rows": 5 if section.level == 3 else 4, "class": "section"}))

    def sections(self) -> dict[str, str]:
        return {key[8:]: value for key, value in self.cleaned_data.items() if key.startswith("section:")}
