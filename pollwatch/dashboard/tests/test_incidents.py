"""The incident board: columns by follow-up state, filters, and the follow-up from its page."""

from django.urls import reverse
from django.utils import timezone

from pollwatch.dashboard.services.incidents import incident_board
from pollwatch.submissions.models import Incident


def incident(world, **fields):
    values = {"mission": world.alpha, "station": world.station_astana, "category": "voting",
              "severity": "serious", "reported_at": timezone.now()}
    values.update(fields)
    return Incident.objects.create(**values)


def columns(board):
    return {c.code: [i.category for i in c.incidents] for c in board.columns}


def test_board_puts_incidents_in_columns_critical_first(world):
    incident(world, category="queue", severity="minor")
    incident(world, category="stuffing", severity="critical")
    incident(world, category="pressure", status="escalated")
    incident(world, category="closed-one", status="closed")

    board = incident_board(world.alpha)

    assert columns(board) == {"new": ["stuffing", "queue"], "under_review": [], "verified": [],
                              "escalated": ["pressure"], "closed": ["closed-one"]}
    assert board.total == 4


def test_board_filters_by_severity_region_and_category(world):
    incident(world, category="security", severity="critical")
    incident(world, station=world.station_west, category="voting", severity="critical")
    incident(world, category="voting", severity="minor")

    assert columns(incident_board(world.alpha, severity="critical", region="27"))["new"] == ["voting"]
    assert columns(incident_board(world.alpha, category="voting"))["new"] == ["voting", "voting"]


def test_coordinator_follows_an_incident_up_to_closed(world, login):
    item = incident(world, severity="critical")
    client = login(world.alice)
    url = reverse("dashboard:incident", args=["alpha", item.pk])

    assert client.post(url, {"action": "review", "note": "calling the team"}).status_code == 302
    assert client.post(url, {"action": "escalate", "to": "Central Election Commission"}).status_code == 302
    event = item.events.get(status="escalated")
    assert client.post(url, {"action": "acknowledge", "event": event.pk}).status_code == 302
    assert client.post(url, {"action": "close"}).status_code == 302

    item.refresh_from_db()
    assert item.status == "closed"
    assert [e.status for e in item.events.order_by("at", "id")] == ["under_review", "escalated", "closed"]
    assert item.events.get(status="escalated").acknowledged_at is not None


def test_refused_step_says_why(world, login):
    item = incident(world, status="closed")
    client = login(world.alice)
    response = client.post(reverse("dashboard:incident", args=["alpha", item.pk]), {"action": "review"},
                           follow=True)
    assert "cannot become" in response.content.decode()
    assert Incident.objects.get(pk=item.pk).status == "closed"


def test_board_page_queries_do_not_grow(world, login, django_assert_max_num_queries):
    client = login(world.alice)
    for i in range(40):
        incident(world, category=f"c{i % 5}", severity=["critical", "serious", "minor"][i % 3],
                 status=["new", "under_review", "verified", "escalated", "closed"][i % 5])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("dashboard:incidents", args=["alpha"]))
    assert page.status_code == 200
    assert page.context["board"].total == 40


def test_board_and_incident_page_name_the_category_in_the_pages_language(world, login):
    item = incident(world, category="counting")
    incident(world, category="ballot-theft")  # a code the mission's taxonomy does not list
    client = login(world.alice)

    board_page = client.get(reverse("dashboard:incidents", args=["alpha"]), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Подсчёт и итоги</a></h3>" in board_page.content.decode()
    assert "ballot-theft</a></h3>" in board_page.content.decode()
    detail = client.get(reverse("dashboard:incident", args=["alpha", item.pk]), HTTP_ACCEPT_LANGUAGE="kk")
    assert "Санау және қорытындылар</h1>" in detail.content.decode()
