"""Personas and data for the statements tests."""

from pollwatch.accounts.models import Role
from pollwatch.accounts.services import grant_role
from pollwatch.factories import UserFactory
from pollwatch.submissions.tests.observations import observe, voting_form


def emil(world):
    """Coordinator of alpha's EC group (alice coordinates the IPA group)."""
    user = UserFactory(username="emil")
    grant_role(user, world.alpha, Role.COORDINATOR, "test", group=world.ec)
    return user


def voting_reports(world, answers=("bad", "good", "good", "very_good")):
    """The voting form with one report per answer, at the world's stations in turn."""
    form = voting_form(world.alpha)
    stations = [world.station_astana, world.station_west, world.station_unassigned]
    return form, [observe(world.alpha, form, stations[i % 3], None, {"overall": a})
                  for i, a in enumerate(answers)]


NEGATIVE_VOTING = '{{ share form="voting" question="overall" values="bad,very_bad" }}'
