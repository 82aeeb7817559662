"""Private uploads: the one way a stored file leaves pollwatch.

Views check the reader's right through :mod:`pollwatch.accounts.access` and then call
:func:`serve_file`, which hands the file to the front server (``SENDFILE_BACKEND``: nginx
X-Accel-Redirect, Apache X-Sendfile) or streams it from Django (``simple``). Nothing under
``MEDIA_ROOT`` is reachable by URL otherwise.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django_sendfile import sendfile


def serve_file(request: HttpRequest, file: FieldFile, *, filename: str | None = None,
               content_type: str | None = None, attachment: bool = False) -> HttpResponse:
    """The stored ``file`` as a response, for a reader whose right has been checked."""
    if not file or not file.name:
        raise Http404("No file")
    path = Path(settings.MEDIA_ROOT) / file.name
    if not path.is_file():
        raise Http404("No file")
    response = sendfile(request, str(path), attachment=attachment,
                        attachment_filename=filename or path.name, mimetype=content_type or None)
    # Uploads are never rendered as active content of this site, nor kept by shared caches.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
