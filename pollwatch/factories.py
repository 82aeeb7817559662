"""Test factories and the small shared world every app's tests start from.

The world (``build_world``) holds one election with two regions in different time zones,
a mission ``alpha`` with two groups, and a second mission ``beta`` on the same election.
Personas, as in the tests' names:

- ``admin``: administrator
- ``alice``: coordinator of alpha (IPA group)
- ``anna``: analyst of alpha
- ``oleg``: observer in alpha, IPA group, team ``ipa-1`` at station 71001 (all phases)
- ``olga``: observer in alpha, EC group, team ``ec-1`` at station 27001 (all phases)
- ``bob``: coordinator of beta, who must see nothing of alpha
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory

from pollwatch.accounts.models import Role, User
from pollwatch.accounts.services import grant_role
from pollwatch.elections.models import Area, Choice, Contest, Election, PollingStation
from pollwatch.missions.models import Group, Mission, Observer, Phase, Team
from pollwatch.missions.services import add_team_member, assign, ensure_observer_user

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda o: o.username.capitalize())

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election

    code = factory.Sequence(lambda n: f"election-{n}")
    name = factory.Sequence(lambda n: f"Election {n}")
    country = "KZ"
    date = dt.date(2023, 3, 19)
    default_timezone = "Asia/Almaty"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    election = factory.SubFactory(ElectionFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.LazyAttribute(lambda o: f"Area {o.code}")
    level = Area.Level.REGION


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PollingStation

    area = factory.SubFactory(AreaFactory)
    election = factory.LazyAttribute(lambda o: o.area.election)
    region = factory.LazyAttribute(lambda o: o.area if o.area.depth <= 1 else o.area.parent)
    code = factory.Sequence(lambda n: f"{10000 + n}")
    name = factory.LazyAttribute(lambda o: f"Polling station No. {o.code}")
    registered_voters = 1500
    timezone = factory.LazyAttribute(lambda o: o.area.timezone or o.election.default_timezone)


@dataclass
class World:
    election: Election
    contest: Contest
    astana: Area
    west: Area
    station_astana: PollingStation
    station_west: PollingStation
    station_unassigned: PollingStation
    alpha: Mission
    beta: Mission
    ipa: Group
    ec: Group
    team_ipa: Team
    team_ec: Team
    admin: User
    alice: User
    anna: User
    oleg: User
    olga: User
    bob: User
    observer_oleg: Observer
    observer_olga: Observer


def _observer(mission: Mission, group: Group, name: str, phone: str, team: Team) -> Observer:
    observer = Observer.objects.create(mission=mission, group=group, full_name=name, phone=phone,
                                       accreditation_number=f"ACC-{phone[-4:]}",
                                       language="ru", languages=["ru", "en"])
    ensure_observer_user(observer, "test")
    add_team_member(team, observer, "test", leader=True)
    return observer


def build_world() -> World:
    election = ElectionFactory(code="kz-test", name="Test election")
    country = Area.objects.create(election=election, code="KZ", name="Kazakhstan",
                                  level=Area.Level.COUNTRY, timezone="Asia/Almaty")
    astana = Area.objects.create(election=election, parent=country, code="71", name="Astana",
                                 level=Area.Level.CITY, timezone="Asia/Almaty",
                                 translations={"ru": "Астана", "kk": "Астана"})
    west = Area.objects.create(election=election, parent=country, code="27",
                               name="West Kazakhstan Region", level=Area.Level.REGION,
                               timezone="Asia/Oral")
    station_astana = StationFactory(area=astana, code="71001", registered_voters=2000)
    station_west = StationFactory(area=west, code="27001", registered_voters=1200)
    station_unassigned = StationFactory(area=astana, code="71002", registered_voters=1800)
    contest = Contest.objects.create(election=election, code="majilis-list", name="Majilis list",
                                     kind=Contest.Kind.PARTY_LIST, method=Contest.Method.HARE,
                                     seats=69, threshold_percent=5, has_against_all=True)
    for number, (code, name) in enumerate([("amanat", "AMANAT"), ("auyl", "Auyl"),
                                           ("respublica", "Respublica")], start=1):
        Choice.objects.create(contest=contest, code=code, name=name, ballot_number=number)
    Choice.objects.create(contest=contest, code="against-all", name="Against all",
                          kind=Choice.Kind.AGAINST_ALL, ballot_number=9)

    alpha = Mission.objects.create(election=election, code="alpha", name="Alpha mission")
    beta = Mission.objects.create(election=election, code="beta", name="Beta mission")
    ipa = Group.objects.create(mission=alpha, code="ipa", name="IPA group")
    ec = Group.objects.create(mission=alpha, code="ec", name="EC group")
    beta_group = Group.objects.create(mission=beta, code="main", name="Beta group")

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    alice = UserFactory(username="alice")
    anna = UserFactory(username="anna")
    bob = UserFactory(username="bob")
    grant_role(alice, alpha, Role.COORDINATOR, "test", group=ipa)
    grant_role(anna, alpha, Role.ANALYST, "test", group=ipa)
    grant_role(bob, beta, Role.COORDINATOR, "test", group=beta_group)

    team_ipa = Team.objects.create(mission=alpha, group=ipa, code="ipa-1", base_area=astana)
    team_ec = Team.objects.create(mission=alpha, group=ec, code="ec-1", base_area=west)
    observer_oleg = _observer(alpha, ipa, "Oleg Observer", "+77011234501", team_ipa)
    observer_olga = _observer(alpha, ec, "Olga Observer", "+77011234502", team_ec)
    for phase in Phase:
        assign(team_ipa, station_astana, phase, "test")
        assign(team_ec, station_west, phase, "test")
    for observer, username in ((observer_oleg, "oleg"), (observer_olga, "olga")):
        user = observer.user
        user.username = username
        user.set_password(PASSWORD)
        user.save()

    return World(
        election=election, contest=contest, astana=astana, west=west,
        station_astana=station_astana, station_west=station_west,
        station_unassigned=station_unassigned, alpha=alpha, beta=beta, ipa=ipa, ec=ec,
        team_ipa=team_ipa, team_ec=team_ec, admin=admin, alice=alice, anna=anna,
        oleg=observer_oleg.user, olga=observer_olga.user, bob=bob,
        observer_oleg=observer_oleg, observer_olga=observer_olga,
    )
