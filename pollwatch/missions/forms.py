from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Meeting, Mission


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "group", "place", "stakeholder_kind", "stakeholders", "participants",
                  "summary", "findings", "standards"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "stakeholders": forms.Textarea(attrs={"rows": 2}),
                   "participants": forms.SelectMultiple(attrs={"size": 6})}

    standards = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                          label=_("Standards concerned"))

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = mission.groups.all()
        self.fields["participants"].queryset = mission.observers.filter(is_active=True)
        self.fields["standards"].choices = [(s["code"], s["label"]) for s in mission.standards]
