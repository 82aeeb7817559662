from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .access import is_administrator, missions_for_user, observer_for_user


@login_required
def home(request):
    """Where a user lands after signing in: their mission, or the observer's phone page."""
    observer = observer_for_user(request.user)
    missions = list(missions_for_user(request.user, allowed=("coordinator", "analyst")))
    if observer and not missions and not is_administrator(request.user):
        return redirect("intake:observe_home")
    if len(missions) == 1:
        return redirect("dashboard:mission", mission=missions[0].code)
    return render(request, "accounts/home.html", {"missions": missions,
                                                  "observer": observer})
