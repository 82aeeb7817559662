"""Findings: shares with their base, overall assessments per phase, drill-down to submissions."""

import pytest
from django.urls import reverse

from pollwatch.dashboard.services.findings import assessments_by_phase

from .reports import OPENING, install_forms, report


@pytest.fixture
def forms(world):
    forms = install_forms(world.alpha)
    report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    report(world.alpha, forms["opening"], world.station_west, world.observer_olga,
           {**OPENING, "assessment": "bad", "boxes_sealed": "no"})
    report(world.alpha, forms["voting"], world.station_west, world.observer_olga, {"assessment": "very_good"},
           channel="sms")
    return forms


def test_overall_assessments_per_phase_with_their_base(world, forms):
    rows = {r.phase: r for r in assessments_by_phase(world.alpha)}

    assert rows["opening"].base == 2 and rows["opening"].counts == {"good": 1, "bad": 1}
    assert rows["opening"].negative_share == 0.5
    assert rows["voting"].base == 1 and rows["voting"].share("very_good") == 1.0
    assert rows["closing"].base == 0 and rows["closing"].negative_share is None


def test_findings_page_shows_each_question_by_region_and_links_the_figures(world, forms, login,
                                                                          django_assert_max_num_queries):
    client = login(world.anna)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("dashboard:findings", args=["alpha"]) + "?form=opening")
    assert page.status_code == 200
    sealed = next(q for q in page.context["questions"] if q.name == "boxes_sealed")
    yes = next(row for row in sealed.rows if row["value"] == "yes")
    assert (yes["overall"].count, yes["overall"].base) == (1, 2)
    regions = {code: base for code, _name, base in sealed.regions}
    assert regions == {"71": 1, "27": 1}
    regions_url = reverse("dashboard:findings_regions", args=["alpha", "opening", "boxes_sealed"])
    assert regions_url in page.content.decode()
    fragment = client.get(regions_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "question=boxes_sealed&amp;answer=no&amp;region=27" in fragment
    assert client.get(regions_url).status_code == 200


def test_drill_down_lists_the_submissions_behind_a_figure(world, forms, login):
    client = login(world.anna)
    url = reverse("dashboard:findings_drill", args=["alpha", "opening"])

    counted = client.get(url + "?question=boxes_sealed&answer=no")
    assert counted.status_code == 200
    assert [s.station.code for s in counted.context["page"]] == ["27001"]
    assert counted.context["result"].base == 2

    base = client.get(url + "?question=boxes_sealed&region=71")
    assert [s.station.code for s in base.context["page"]] == ["71001"]
    assert client.get(url + "?question=no_such_question").status_code == 404


def test_findings_export_has_every_figure(world, forms, login):
    response = login(world.anna).get(reverse("dashboard:findings", args=["alpha"]) + "?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "form,question,label,answer,answer_label,scope,scope_value,count,base,share"
    assert any(line.startswith("opening,boxes_sealed,") and line.endswith(",no,No,overall,,1,2,0.5")
               for line in lines)


def test_answers_and_regions_read_in_the_page_language(world, forms, login):
    from django.conf import settings

    world.west.translations = {"ru": "Западно-Казахстанская область"}
    world.west.save()
    client = login(world.anna)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get(reverse("dashboard:findings", args=["alpha"]) + "?form=opening")
    assessment = next(q for q in page.context["questions"] if q.name == "assessment")
    assert [row["label"] for row in assessment.rows][:2] == ["Очень хорошо", "Хорошо"]
    sealed = next(q for q in page.context["questions"] if q.name == "boxes_sealed")
    assert [row["label"] for row in sealed.rows] == ["Да", "Нет"]
    assert {code: name for code, name, _base in sealed.regions}["27"] == "Западно-Казахстанская область"
    html = page.content.decode()
    assert "Очень хорошо" in html and "very_good</th>" not in html

    drill = client.get(reverse("dashboard:findings_drill", args=["alpha", "opening"])
                       + "?question=assessment&answer=bad,very_bad").content.decode()
    assert "Плохо, Очень плохо" in drill
    assert "<td>Плохо</td>" in drill  # the submission's answer, not its code


def test_the_station_page_shows_answers_by_their_labels(world, forms, login):
    from django.conf import settings

    client = login(world.anna)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    html = client.get(reverse("dashboard:station", args=["alpha", world.station_west.pk])).content.decode()
    assert "Нашар" in html and ">bad<" not in html
