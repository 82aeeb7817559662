"""``pollwatch serve``: the production web server (gunicorn), as docs/operations.md describes.

The application is loaded once in the master process before it forks its workers
(``preload_app``), so a worker that dies (killed, out of memory, ``--max-requests`` reached) is
replaced by a fork that answers at once, instead of a fresh process importing Django for a second
or two while its share of the clients wait. Workers are threaded (gthread), several per core;
a stuck request is cut after ``--timeout`` seconds and a stopping worker finishes its requests
for up to ``--graceful-timeout`` seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))


def gunicorn_options(options: dict) -> dict:
    """gunicorn's settings for the command's options (also used by the tests)."""
    return {
        "bind": options["bind"],
        "workers": options["workers"],
        "worker_class": "gthread",
        "threads": options["threads"],
        "preload_app": True,
        "timeout": options["timeout"],
        "graceful_timeout": options["graceful_timeout"],
        "keepalive": options["keep_alive"],
        "max_requests": options["max_requests"],
        "max_requests_jitter": options["max_requests"] // 10,
        "backlog": 2048,
        "accesslog": "-" if options["access_log"] else None,
        "errorlog": "-",
        "loglevel": options["log_level"],
        "proc_name": "pollwatch",
        # The master loaded Django; a connection it opened must not be shared by its forks.
        "pre_fork": _close_connections,
    }


def warm_up() -> None:
    """Do in the master what each worker would otherwise do on its first requests: import every
    view and module the URLs lead to, compile the templates, load the translations. A fork then
    inherits all of it, and a replaced worker answers its first request as fast as any."""
    import importlib
    import pkgutil

    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    import pollwatch

    skip = (".tests", ".migrations", ".management", ".demo", "conftest", "factories", "browsertest")
    for module in pkgutil.walk_packages(pollwatch.__path__, "pollwatch."):
        if not any(part in module.name for part in skip):
            try:
                importlib.import_module(module.name)
            except Exception:  # a module that cannot load here fails where it is used, as before
                continue
    get_resolver().url_patterns  # noqa: B018 (imports every URL module and its views)
    for engine in engines.all():
        for loader in engine.engine.template_loaders:
            for directory in getattr(loader, "get_dirs", lambda: [])():
                for path in Path(directory).rglob("*.html"):
                    try:
                        engine.get_template(str(path.relative_to(directory)))
                    except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                        continue
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("pollwatch")


def _close_connections(server, worker) -> None:
    from django.db import connections

    connections.close_all()


class Command(BaseCommand):
    help = ("Serve pollwatch in production with gunicorn: the application loaded before forking, "
            "threaded workers per core, graceful timeouts (docs/operations.md).")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", "-b", default=os.environ.get("BIND", "127.0.0.1:8000"),
                            help="Address to listen on (host:port or unix:PATH; default 127.0.0.1:8000)")
        parser.add_argument("--workers", "-w", type=int, default=default_workers(),
                            help="Worker processes (default WEB_CONCURRENCY, or 2 per CPU core)")
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker (default 4)")
        parser.add_argument("--timeout", type=int, default=30,
                            help="Seconds before a silent worker is killed and replaced (default 30)")
        parser.add_argument("--graceful-timeout", type=int, default=20,
                            help="Seconds a stopping worker has to finish its requests (default 20)")
        parser.add_argument("--keep-alive", type=int, default=5,
                            help="Seconds to hold an idle keep-alive connection (default 5)")
        parser.add_argument("--max-requests", type=int, default=2000,
                            help="Requests after which a worker is replaced (default 2000; 0: never)")
        parser.add_argument("--access-log", action="store_true", help="Log every request to stdout")
        parser.add_argument("--log-level", default="info", help="gunicorn's log level (default info)")
        parser.add_argument("--check-config", action="store_true",
                            help="Print gunicorn's settings and exit without serving")

    def handle(self, *args, **options):
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        from gunicorn.app.base import BaseApplication

        settings = gunicorn_options(options)

        class Application(BaseApplication):
            def load_config(self):
                for key, value in settings.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self):
                from django.core.wsgi import get_wsgi_application

                application = get_wsgi_application()
                warm_up()
                return application

        application = Application()
        if options["check_config"]:
            for key in sorted(settings):
                if key != "pre_fork":
                    self.stdout.write(f"{key} = {application.cfg.settings[key].get()}")
            return
        application.run()
