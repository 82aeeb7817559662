"""``pollwatch token``: issue and revoke observers' device tokens and partners' API keys.

    pollwatch token observer --mission cis-2023 --observer IPA-001 [--label "ODK Collect"]
    pollwatch token api-key --mission cis-2023 --name "Partner network" --scope read --scope submit
    pollwatch token revoke --device 12        (or --api-key 3)
    pollwatch token list --mission cis-2023

A token or key is printed once; only its hash is kept.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from pollwatch.intake import credentials
from pollwatch.intake.models import ApiKey, DeviceToken
from pollwatch.missions.models import Mission, Observer


class Command(BaseCommand):
    help = "Issue and revoke device tokens (observers) and API keys (partner systems)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        observer = sub.add_parser("observer", help="A device token for an observer")
        observer.add_argument("--mission", required=True)
        observer.add_argument("--observer", required=True,
                              help="Accreditation number, phone (E.164) or id")
        observer.add_argument("--label", default="")
        key = sub.add_parser("api-key", help="An API key for a partner system")
        key.add_argument("--mission", required=True)
        key.add_argument("--name", required=True)
        key.add_argument("--scope", action="append", choices=ApiKey.Scope.values, default=None)
        revoke = sub.add_parser("revoke", help="Revoke a device token or an API key")
        revoke.add_argument("--device", type=int)
        revoke.add_argument("--api-key", type=int)
        listing = sub.add_parser("list", help="The mission's tokens and keys (never the secrets)")
        listing.add_argument("--mission", required=True)

    def _mission(self, code: str) -> Mission:
        mission = Mission.objects.filter(code=code).first()
        if mission is None:
            raise CommandError(f"no mission {code!r}")
        return mission

    def handle(self, *args, action, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _observer(self, mission, observer, label, **options):
        found = self._mission(mission)
        lookup = Q(accreditation_number=observer) | Q(phone=observer)
        if observer.isdigit():
            lookup |= Q(pk=int(observer))
        matches = list(Observer.objects.filter(lookup, mission=found)[:2])
        if len(matches) != 1:
            raise CommandError(f"{observer!r} names {len(matches)} observers of {found.code}; "
                               "use the accreditation number, the phone or the id")
        token, secret = credentials.issue_observer_token(matches[0], "cli", label=label)
        self.stdout.write(f"Device token #{token.pk} for {matches[0]} (username {token.user.username}):")
        self.stdout.write(secret)

    def _api_key(self, mission, name, scope, **options):
        key, secret = credentials.issue_api_key(self._mission(mission), name, "cli",
                                                scopes=scope or ["read"])
        self.stdout.write(f"API key #{key.pk} for {key.name} ({', '.join(key.scopes)}):")
        self.stdout.write(secret)

    def _revoke(self, device, api_key, **options):
        if device:
            token = DeviceToken.objects.filter(pk=device).first()
            if token is None:
                raise CommandError(f"no device token #{device}")
            credentials.revoke_device_token(token, "cli")
            self.stdout.write(f"Revoked device token #{device}.")
        elif api_key:
            key = ApiKey.objects.filter(pk=api_key).first()
            if key is None:
                raise CommandError(f"no API key #{api_key}")
            credentials.revoke_api_key(key, "cli")
            self.stdout.write(f"Revoked API key #{api_key}.")
        else:
            raise CommandError("say which: --device ID or --api-key ID")

    def _list(self, mission, **options):
        found = self._mission(mission)
        for token in DeviceToken.objects.filter(mission=found).select_related("observer"):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(f"device #{token.pk} {token.prefix}… {token.observer} {token.label!r} {state}")
        for key in ApiKey.objects.filter(mission=found):
            state = "revoked" if key.revoked_at else "active"
            self.stdout.write(f"api-key #{key.pk} {key.prefix}… {key.name} {','.join(key.scopes)} {state}")
