from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "pollwatch.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from . import audit

        audit.connect_signals()
        if apps.is_installed("django.contrib.admin"):
            from .admin import unregister_device_admins

            unregister_device_admins()
