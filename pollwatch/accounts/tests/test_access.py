"""The permission layer: each persona sees exactly what their role allows."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pollwatch.accounts import access
from pollwatch.accounts.models import Role
from pollwatch.missions.models import Assignment


def test_roles_are_scoped_to_a_mission(world):
    assert access.role_in_mission(world.alice, world.alpha) == Role.COORDINATOR
    assert access.role_in_mission(world.anna, world.alpha) == Role.ANALYST
    assert access.role_in_mission(world.oleg, world.alpha) == Role.OBSERVER
    assert access.role_in_mission(world.alice, world.beta) == Role.PUBLIC
    assert access.role_in_mission(world.admin, world.beta) == Role.ADMINISTRATOR


def test_coordinator_of_another_mission_is_refused(world):
    with pytest.raises(PermissionDenied):
        access.access_mission_by_user(world.bob, "alpha")
    assert access.access_mission_by_user(world.alice, "alpha") == world.alpha
    assert list(access.missions_for_user(world.bob)) == [world.beta]


def test_observer_cannot_open_mission_staff_pages(world):
    with pytest.raises(PermissionDenied):
        access.access_mission_by_user(world.oleg, "alpha")


def test_observer_sees_only_own_team_assignments(world):
    mine = Assignment.objects.filter(team=world.team_ipa).first()
    theirs = Assignment.objects.filter(team=world.team_ec).first()
    assert access.access_assignment_by_user(world.oleg, mine.pk) == mine
    with pytest.raises(Http404):
        access.access_assignment_by_user(world.oleg, theirs.pk)
    assert set(access.assignments_for_observer(world.observer_oleg)) == set(
        Assignment.objects.filter(team=world.team_ipa))


def test_observer_of_another_group_cannot_see_station_or_observer(world):
    with pytest.raises(Http404):
        access.access_station_by_user(world.oleg, world.alpha, world.station_west.pk)
    assert access.access_station_by_user(world.oleg, world.alpha,
                                         world.station_astana.pk) == world.station_astana
    with pytest.raises(Http404):
        access.access_observer_by_user(world.oleg, world.observer_olga.pk)
    assert access.access_observer_by_user(world.oleg, world.observer_oleg.pk) == world.observer_oleg


def test_coordinator_of_another_mission_cannot_reach_its_objects(world):
    assignment = Assignment.objects.filter(team=world.team_ipa).first()
    with pytest.raises(Http404):
        access.access_assignment_by_user(world.bob, assignment.pk)
    with pytest.raises(Http404):
        access.access_team_by_user(world.bob, world.team_ipa.pk)
    with pytest.raises(Http404):
        access.access_observer_by_user(world.bob, world.observer_oleg.pk)


def test_anonymous_user_has_no_mission(world, client):
    from django.contrib.auth.models import AnonymousUser

    assert access.role_in_mission(AnonymousUser(), world.alpha) == Role.PUBLIC
    assert list(access.missions_for_user(AnonymousUser())) == []


def test_mission_pages_check_the_role(world, client, login):
    url = "/m/alpha/"
    assert client.get(url).status_code == 302  # anonymous: to sign-in
    assert login(world.alice).get(url).status_code == 200
    assert login(world.anna).get(url).status_code == 200
    assert login(world.oleg).get(url).status_code == 403
    assert login(world.bob).get(url).status_code == 403
    assert login(world.admin).get(url).status_code == 200
