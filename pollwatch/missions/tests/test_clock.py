"""The election's clock: the real time, or a mission's moment standing still (the demo)."""

import datetime as dt

from django.utils import timezone

from pollwatch.missions.clock import election_now, election_today, is_simulated


def test_the_clock_is_the_real_time_by_default(world):
    before = timezone.now()
    now = election_now(world.alpha)
    assert before <= now <= timezone.now()
    assert not is_simulated(world.alpha)


def test_a_mission_may_stand_its_clock_still(world):
    moment = dt.datetime(2023, 3, 18, 20, 30, tzinfo=dt.UTC)  # 19 March 02:30 in Almaty
    world.alpha.clock_frozen_at = moment
    world.alpha.save()
    world.alpha.refresh_from_db()
    assert election_now(world.alpha) == moment
    assert election_now(world.alpha) == moment  # it stands still
    assert is_simulated(world.alpha)
    assert election_today(world.alpha) == dt.date(2023, 3, 19)
    assert not is_simulated(world.beta)
