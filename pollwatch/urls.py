from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from .api import api

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
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
