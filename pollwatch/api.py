"""The JSON API (``/api/v1/``); each app contributes a router. The schema is at ``/api/v1/openapi.json``."""

from ninja import NinjaAPI

from . import problems

api = NinjaAPI(
    title="pollwatch API",
    version="1",
    description="Submit and read election observation reports. Observers authenticate with "
    "device tokens, partner systems with API keys (header `Authorization: Bearer <token>`). "
    "Every error is a problem (RFC 9457): `type`, `title`, `status`, `detail` and `errors` "
    "saying where; 429 comes with `Retry-After`.",
    urls_namespace="api",
)
problems.install(api)


def _register_routers() -> None:
    from pollwatch.intake.api import router as intake_router

    api.add_router("/", intake_router)


_register_routers()
