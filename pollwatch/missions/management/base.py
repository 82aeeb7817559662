from django.core.management.base import CommandError

from pollwatch.missions.models import Mission


def mission_by_code(code: str | None) -> Mission:
    if code:
        mission = Mission.objects.select_related("election").filter(code=code).first()
        if mission is None:
            known = ", ".join(Mission.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"no mission with code {code!r} (known: {known})")
        return mission
    missions = list(Mission.objects.select_related("election")[:2])
    if len(missions) != 1:
        raise CommandError("say which mission with --mission CODE")
    return missions[0]
