"""Built-in forms: installed and published in three languages, unique SMS codes, idempotent,
with the XForm ODK downloads."""

import pytest

from pollwatch.accounts.models import AuditEntry
from pollwatch.checklists.models import Form, FormVersion, Question
from pollwatch.checklists.services import install_templates, sms_schema, validate_answers

STATION_FORMS = {"opening": "OP", "voting": "VT", "closing": "CL", "incident": "IN"}


@pytest.fixture
def forms(world):
    return {form.code: form for form in install_templates(world.alpha, "test")}


def test_templates_are_installed_and_published(world, forms):
    assert {code: forms[code].sms_keyword for code in STATION_FORMS} == STATION_FORMS
    assert forms["protocol-majilis-list"].sms_keyword == "PR"
    assert forms["protocol-majilis-list"].contest == world.contest
    assert forms["closing"].phase == "closing" and forms["opening"].phase == "opening"
    for form in forms.values():
        version = form.published_version()
        assert version is not None and version.number == 1 and version.accepts_submissions
    assert AuditEntry.objects.filter(model="checklists.FormVersion", mission=world.alpha).count() >= 10


def test_every_label_is_in_english_russian_and_kazakh(forms):
    for form in forms.values():
        for question in form.published_version().questions.all():
            assert set(question.label) == {"en", "ru", "kk"}, (form.code, question.name)
            for choice in question.choices:
                assert set(choice["label"]) >= {"en", "ru"}, (form.code, question.name, choice)
    assert Form.objects.get(code="voting").name_in("ru") == "Голосование"


def test_sms_codes_are_unique_and_short(forms):
    for form in forms.values():
        codes = [q.code.upper() for q in form.published_version().questions.exclude(code="")]
        assert len(codes) == len(set(codes)), form.code
        assert all(len(code) <= 4 for code in codes)
        for question in form.published_version().questions.all():
            values = [choice["sms"] for choice in question.choices]
            assert len(values) == len(set(values)), (form.code, question.name)


def test_checklists_end_with_the_four_step_assessment(forms):
    for code in ("opening", "voting", "closing"):
        questions = list(forms[code].published_version().questions.exclude(
            type__in=["group", "note"]))
        assert [q.name for q in questions[-2:]] == ["assessment", "comments"]
        assessment = questions[-2]
        assert assessment.required
        assert [(c["name"], c["sms"]) for c in assessment.choices] == [
            ("very_good", "1"), ("good", "2"), ("bad", "3"), ("very_bad", "4")]
        assert questions[-1].code == "@"
        yes_no = [q for q in questions if q.type == Question.Type.YES_NO]
        assert yes_no and all([c["sms"] for c in q.choices] == ["Y", "N"] for q in yes_no)


def test_voting_form_asks_what_methodology_lists(forms):
    names = set(forms["voting"].published_version().questions.values_list("name", flat=True))
    assert {"arrived_at", "departed_at", "queues", "secrecy", "boxes_sealed", "id_checked",
            "multiple_voting", "family_voting", "proxy_voting", "stuffing", "pressure",
            "unauthorised_directing", "observers_restricted", "mobile_voting", "voters_on_list",
            "voted_so_far", "complaints", "assessment"} <= names


def test_installing_again_changes_nothing(world, forms):
    versions = FormVersion.objects.count()
    again = install_templates(world.alpha, "test")
    assert sorted(f.pk for f in again) == sorted(f.pk for f in forms.values())
    assert FormVersion.objects.count() == versions
    assert Form.objects.filter(mission=world.alpha).count() == 5


def test_a_changed_template_is_a_new_version_and_the_old_one_is_retired(world, forms):
    install_templates(world.alpha, "test", languages=("en", "ru"))
    voting = Form.objects.get(mission=world.alpha, code="voting")
    current = voting.published_version()
    assert current.number == 2
    assert set(current.questions.get(name="secrecy").label) == {"en", "ru"}
    old = voting.versions.get(number=1)
    assert old.status == FormVersion.Status.RETIRED and old.accepts_submissions


def test_other_missions_get_their_own_forms(world, forms):
    install_templates(world.beta, "test")
    assert Form.objects.filter(mission=world.beta).count() == 5
    assert Form.objects.filter(code="voting").count() == 2


def test_the_xform_has_a_stable_id_version_instance_id_and_stations_file(forms):
    version = forms["voting"].published_version()
    xml = version.xform
    assert '<data id="alpha-voting" version="1">' in xml
    assert "<instanceID/>" in xml
    assert 'src="jr://file-csv/stations.csv"' in xml
    assert version.xform_hash.startswith("md5:") and len(version.xform_hash) == 36
    assert 'lang="Russian (ru)"' in xml and 'lang="Kazakh (kk)"' in xml
    assert version.xlsform.name.endswith(".xlsx")


def test_template_answers_validate(world, forms):
    version = forms["opening"].published_version()
    answers = {"arrived_at": "6:40", "opened_at": "7:00", "opened_on_time": "Y",
               "unauthorised_present": "N", "boxes_shown_empty": "Y", "boxes_sealed": "Y",
               "observers_can_see": "Y", "assessment": "1"}
    result = validate_answers(version, answers, station=world.station_astana)
    assert result.ok, result.errors
    assert result.cleaned["assessment"] == "very_good"
    assert result.cleaned["station"] == "71001"


def test_sms_schema_maps_codes_to_questions(forms):
    schema = sms_schema(forms["opening"].published_version())
    assert schema.keyword == "OP"
    assert schema.field("a3").name == "opened_on_time"
    assert schema.field("A3").choices == {"Y": "yes", "N": "no"}
    assert schema.field("D1").choices == {"1": "very_good", "2": "good", "3": "bad", "4": "very_bad"}
    assert schema.field("B7").multiple
    assert schema.comment_question == "comments"
    assert schema.station_question == "station"


def test_incident_form_uses_the_mission_categories(world, forms):
    question = forms["incident"].published_version().questions.get(name="category")
    assert [c["name"] for c in question.choices] == [c["code"] for c in world.alpha.incident_categories]
    severity = forms["incident"].published_version().questions.get(name="severity")
    assert [c["name"] for c in severity.choices] == ["critical", "serious", "minor"]


def test_sms_schema_formats_a_message_in_the_documented_grammar(world, forms):
    version = forms["opening"].published_version()
    answers = {"arrived_at": "6:40", "opened_at": "7:00", "opened_on_time": "Y",
               "unauthorised_present": "Y", "unauthorised_who": "police officials",
               "boxes_shown_empty": "Y", "boxes_sealed": "N", "observers_can_see": "Y",
               "assessment": "3", "comments": "seal missing on box 2"}
    cleaned = validate_answers(version, answers, station=world.station_astana).cleaned
    message = sms_schema(version).format("71001", cleaned)
    assert message == ("OP 71001 A1 06:40 A2 07:00 A3 Y B6 Y B7 1,2 C1 Y C2 N C7 Y D1 3 "
                       "@ seal missing on box 2")
