from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pollwatch.elections.models import Area

from .models import Notice
from .services.messages import MAX_LENGTH


class NoticeForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Up to 480 characters (three SMS)."))
    audience = forms.ChoiceField(label=_("To"), choices=Notice.Audience.choices, initial=Notice.Audience.ALL,
                                 widget=forms.RadioSelect)
    group = forms.ModelChoiceField(label=_("Group"), queryset=None, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    by_sms = forms.BooleanField(label=_("Also send by SMS"), required=False, initial=True)

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = mission.groups.order_by("name")
        self.fields["region"].queryset = (Area.objects.filter(election_id=mission.election_id, depth=1)
                                          .order_by("name"))
        self.fields["region"].label_from_instance = lambda area: area.local_name
        self.fields["group"].label_from_instance = lambda group: group.local_name

    def clean(self):
        data = super().clean()
        if data.get("audience") == Notice.Audience.GROUP and not data.get("group"):
            self.add_error("group", _("Choose the group."))
        if data.get("audience") == Notice.Audience.REGION and not data.get("region"):
            self.add_error("region", _("Choose the region."))
        return data
