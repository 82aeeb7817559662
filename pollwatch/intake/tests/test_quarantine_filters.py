"""The quarantine queue narrowed by text, channel, reason and day, in the query string."""

import datetime as dt

import pytest

from pollwatch.intake.models import InboundReport

QUEUE = "/m/alpha/quarantine/"
UTC = dt.UTC


def held(mission, channel, sender, payload, rejection, at, **extra):
    return InboundReport.objects.create(channel=channel, mission=mission, sender=sender, payload=payload,
                                        received_at=at, status=InboundReport.Status.QUARANTINED,
                                        reason=f"held: {rejection}", meta={"rejection": rejection}, **extra)


@pytest.fixture
def queue(world):
    # 19 March 2023 in Astana (Asia/Almaty) was UTC+6: 19:30 UTC is 01:30 on 20 March there.
    return {
        "sms_station": held(world.alpha, "sms", "+77019990000", "OP 99999 A3 Y", "unknown_station",
                            dt.datetime(2023, 3, 19, 4, 0, tzinfo=UTC)),
        "sms_stranger": held(world.alpha, "sms", "+77015550000", "OP 71001 A3 Y", "unknown_sender",
                             dt.datetime(2023, 3, 19, 10, 0, tzinfo=UTC)),
        "api_answers": held(world.alpha, "api", "token:12", '{"answers": {"A3": "maybe"}}', "invalid_answers",
                            dt.datetime(2023, 3, 19, 19, 30, tzinfo=UTC)),
        "beta": held(world.beta, "sms", "+77019990000", "OP 99999 beta", "unknown_station",
                     dt.datetime(2023, 3, 19, 4, 0, tzinfo=UTC)),
    }


@pytest.fixture
def alice(world, login):
    return login(world.alice)


def shown(response):
    assert response.status_code == 200
    return {report.pk for report in response.context["page"]}


def test_without_filters_the_missions_held_reports_are_listed(world, alice, queue):
    assert shown(alice.get(QUEUE)) == {queue[k].pk for k in ("sms_station", "sms_stranger", "api_answers")}


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "99999"}, {"sms_station"}),
    ({"q": "8 701 999 00 00"}, {"sms_station"}),
    ({"q": "7015550000"}, {"sms_stranger"}),
    ({"q": "maybe"}, {"api_answers"}),
    ({"channel": "sms"}, {"sms_station", "sms_stranger"}),
    ({"channel": "api"}, {"api_answers"}),
    ({"reason": "unknown_sender"}, {"sms_stranger"}),
    ({"reason": "unknown_station", "channel": "api"}, set()),
    ({"date": "2023-03-19"}, {"sms_station", "sms_stranger"}),
    ({"date": "2023-03-20"}, {"api_answers"}),
    ({"date": "2023-03-18"}, set()),
])
def test_filters_narrow_the_queue(world, alice, queue, params, expected):
    assert shown(alice.get(QUEUE, params)) == {queue[k].pk for k in expected}, params


def test_a_real_sms_from_an_unknown_number_is_found_by_its_reason(world, alice, client, settings):
    from pollwatch.checklists.services import install_templates

    install_templates(world.alpha, "test")
    settings.GENERIC_SMS_SECRET = "s"
    client.post("/sms/generic/", {"from": "+77019999999", "text": "OP 71001 A3 Y", "id": "x1", "secret": "s"})
    report = InboundReport.objects.get(key="generic:x1")
    assert shown(alice.get(QUEUE, {"reason": "unknown_sender"})) == {report.pk}
    assert shown(alice.get(QUEUE, {"reason": "invalid_answers"})) == set()


@pytest.mark.parametrize("params", [
    {"date": "2023-02-30"}, {"date": "9999-12-31"}, {"date": "0001-01-01"}, {"date": "19.03.2023"},
    {"date": "x" * 3000}, {"channel": "fax"}, {"reason": "<b>"}, {"status": "nope"}, {"page": "-1"},
    {"page": "lots"}, {"q": "%"}, {"q": "y" * 3000}, {"q": "OP\x00"}, {"date": "2023\x00-03-19"},
])
def test_bad_filter_values_are_answered_without_error(world, alice, queue, params):
    response = alice.get(QUEUE, params)
    assert response.status_code == 200, params


def test_a_day_that_is_not_a_date_is_ignored_and_said_so(world, alice, queue):
    response = alice.get(QUEUE, {"date": "2023-02-30", "channel": "api"})
    assert shown(response) == {queue["api_answers"].pk}
    assert "is not a date" in response.content.decode()


def test_the_pages_keep_the_filters(world, alice):
    for n in range(55):
        held(world.alpha, "sms", f"+7701444{n:04d}", f"OP 71001 x{n}", "invalid_answers",
             dt.datetime(2023, 3, 19, 8, n % 60, tzinfo=UTC))
    first = alice.get(QUEUE, {"channel": "sms", "q": "OP 71001"})
    assert len(shown(first)) == 50
    html = first.content.decode()
    assert "channel=sms&amp;q=OP%2071001&amp;page=2" in html
    assert len(shown(alice.get(QUEUE, {"channel": "sms", "q": "OP 71001", "page": "2"}))) == 5
