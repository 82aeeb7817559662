from django.contrib import admin
from django.urls import include, path

from .api import api
from .submissions.views import evidence_file

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("pollwatch.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("pollwatch.intake.urls")),
    path("", include("pollwatch.dashboard.urls")),
    path("", include("pollwatch.statements.urls")),
    path("", include("pollwatch.results.urls")),
    path("", include("pollwatch.checklists.urls")),
    # Uploads are private: no /media/ route; each kind of file has a view that checks the reader.
    path("evidence/<int:evidence>/", evidence_file, name="evidence"),
]
