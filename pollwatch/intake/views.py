from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pollwatch.accounts.access import assignments_for_observer, observer_for_user


@login_required
def observe_home(request):
    observer = observer_for_user(request.user)
    assignments = assignments_for_observer(observer) if observer else []
    return render(request, "intake/observe_home.html",
                  {"observer": observer, "assignments": assignments})
