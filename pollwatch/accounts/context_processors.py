from .access import missions_for_user, observer_for_user


def roles(request):
    """What the navigation needs: the user's missions, and their observer record if any."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}

    def my_missions():
        return list(missions_for_user(user).order_by("name"))

    return {
        "my_missions": my_missions,
        "my_observer": lambda: observer_for_user(user),
        "current_mission": getattr(request, "mission", None),
        "current_role": getattr(request, "mission_role", None),
    }
