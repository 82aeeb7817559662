from django import forms
from django.utils.translation import gettext_lazy as _

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024


class UploadForm(forms.Form):
    workbook = forms.FileField(label=_("XLSForm workbook"),
                               help_text=_(".xlsx (or .xls, .csv, .md), at most 5 MB"))
    publish = forms.BooleanField(label=_("Publish at once"), required=False)

    def clean_workbook(self):
        workbook = self.cleaned_data["workbook"]
        if workbook.size > MAX_WORKBOOK_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return workbook
