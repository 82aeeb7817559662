from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "pollwatch.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from . import audit

        audit.connect_signals()
        from django.contrib.auth.signals import user_logged_in

        from . import two_factor

        user_logged_in.connect(two_factor.remember_enrolment,
                               dispatch_uid="pollwatch-two-factor-session")
        if apps.is_installed("django.contrib.admin"):
            from .admin import unregister_device_admins

            unregister_device_admins()
