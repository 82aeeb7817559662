"""The deployment plan: a seeded, region-stratified sample that respects team bases."""

from collections import Counter

from pollwatch.factories import AreaFactory, StationFactory
from pollwatch.missions.models import Assignment, Team
from pollwatch.missions.planning import apply_deployment, draw_deployment, largest_remainder


def test_largest_remainder_shares_whole_units():
    # Hand-computed: 10 teams over 600/300/100 stations -> exact 6/3/1.
    assert largest_remainder({1: 600, 2: 300, 3: 100}, 10) == {1: 6, 2: 3, 3: 1}
    # 7 over 5/3/2 -> exact 3.5/2.1/1.4 -> floors 3/2/1, one left to the largest remainder (1).
    assert largest_remainder({1: 5, 2: 3, 3: 2}, 7) == {1: 4, 2: 2, 3: 1}


def _bigger_world(world):
    south = AreaFactory(election=world.election, code="75", name="Almaty", level="city",
                        parent=world.astana.parent, timezone="Asia/Almaty")
    for i in range(40):
        StationFactory(area=world.astana, code=f"71{200 + i}", registered_voters=1000 + i)
    for i in range(20):
        StationFactory(area=world.west, code=f"27{200 + i}", registered_voters=800)
    for i in range(40):
        StationFactory(area=south, code=f"75{200 + i}", registered_voters=1200)
    for code in ("t1", "t2", "t3"):
        Team.objects.create(mission=world.alpha, group=world.ipa, code=code)
    return south


def test_same_seed_draws_the_same_plan(world):
    _bigger_world(world)
    first = draw_deployment(world.alpha, seed=7, stations_per_team=4)
    second = draw_deployment(world.alpha, seed=7, stations_per_team=4)
    other = draw_deployment(world.alpha, seed=8, stations_per_team=4)
    codes = lambda plan: [[s.code for s in r.stations] for r in plan.routes]  # noqa: E731
    assert codes(first) == codes(second)
    assert codes(first) != codes(other)


def test_plan_respects_base_region_and_covers_each_team(world):
    south = _bigger_world(world)
    plan = draw_deployment(world.alpha, seed=1, stations_per_team=4)
    routes = {route.team.code: route for route in plan.routes}
    assert len(routes) == 5
    assert routes["ipa-1"].region_id == world.astana.pk  # based in Astana
    assert routes["ec-1"].region_id == world.west.pk  # based in West Kazakhstan
    assert all(len(route.stations) == 4 for route in plan.routes)
    assert all(s.region_id == route.region_id for route in plan.routes for s in route.stations)
    # Three free teams go where the sample is short: by station counts 42/21/40 of 5 teams,
    # the quota is 2/1/2; Astana and West already hold one each, so Almaty gets two, Astana one.
    regions = Counter(route.region_id for route in plan.routes)
    assert regions == {world.astana.pk: 2, world.west.pk: 1, south.pk: 2}
    stations = plan.stations
    assert len(set(stations)) == len(stations)  # no station twice
    assert plan.covered_stations == 20 and plan.total_stations == 103
    assert abs(plan.station_share() - 20 / 103) < 1e-12
    assert plan.covered_registered == sum(s.registered_voters for s in stations)


def test_applied_plan_writes_assignments_with_due_times(world):
    _bigger_world(world)
    Assignment.objects.all().delete()
    plan = draw_deployment(world.alpha, seed=3, stations_per_team=3)
    count = apply_deployment(plan, "test")
    assert count == 5 * (3 + 2)  # opening at the first, voting at each, closing at the last
    assert Assignment.objects.filter(team__mission=world.alpha).count() == count
    route = plan.routes[0]
    opening = Assignment.objects.get(team=route.team, phase="opening")
    assert opening.station == route.stations[0]
    assert opening.report_due_at == world.alpha.report_due_utc(route.stations[0], "opening")
