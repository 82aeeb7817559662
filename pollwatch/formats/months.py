"""Month names as a date writes them ("19 наурыз"), for the format character ``E``.

Django's own catalogues give these for Russian ("марта"); for Kazakh they give none, so ``E``
fell back to the capitalised name of the calendar ("19 Наурыз"). Listing them here puts them in
pollwatch's catalogues (``make messages``), whose translation then wins.
"""

from django.utils.translation import pgettext_lazy

MONTHS_IN_DATES = [
    pgettext_lazy("alt. month", "January"), pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"), pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"), pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"), pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"), pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"), pgettext_lazy("alt. month", "December"),
]
