"""XLSForm upload: multi-language labels, SMS codes, types, all-or-nothing with pyxform's
row-numbered errors, and the command line."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pollwatch.checklists.models import Form, FormVersion, Question
from pollwatch.checklists.services import import_xlsform, publish_version, sms_schema, validate_answers
from pollwatch.checklists.xlsform import FormDefinitionError

SURVEY = [
    ["type", "name", "label::English (en)", "label::Russian (ru)", "label::Kazakh (kk)", "required",
     "relevant", "constraint", "constraint_message::English (en)", "sms_field"],
    ["select_one_from_file stations.csv", "station", "Station", "Участок", "Учаске", "yes", "", "", "", ""],
    ["select_one yn", "queue", "Queue?", "Очередь?", "Кезек?", "yes", "", "", "", "Q1"],
    ["integer", "queue_length", "How many waiting?", "Сколько ждут?", "Қанша күтуде?", "",
     "${queue} = 'yes'", ". >= 0 and . <= 500", "0 to 500", "Q2"],
    ["begin_group", "problems", "Problems", "Проблемы", "Мәселелер", "", "", "", "", ""],
    ["select_multiple issue", "issues", "Issues seen", "Нарушения", "Бұзушылықтар", "", "", "", "", "P1"],
    ["text", "issue_note", "Describe", "Опишите", "Сипаттаңыз", "", "count-selected(${issues}) > 0", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", "", ""],
    ["begin_repeat", "visits", "Visits", "Посещения", "Барулар", "", "", "", "", "R"],
    ["time", "at", "At", "В", "Уақыт", "yes", "", "", "", "R1"],
    ["end_repeat", "", "", "", "", "", "", "", "", ""],
    ["start", "start", "", "", "", "", "", "", "", ""],
    ["text", "remarks", "Remarks", "Замечания", "Ескертпелер", "", "", "", "", "@"],
]
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Russian (ru)", "label::Kazakh (kk)", "sms_option"],
    ["yn", "yes", "Yes", "Да", "Иә", "Y"],
    ["yn", "no", "No", "Нет", "Жоқ", "N"],
    ["issue", "stuffing", "Stuffing", "Вброс", "Вброс", "S"],
    ["issue", "pressure", "Pressure", "Давление", "Қысым", "P"],
    ["issue", "other", "Other", "Другое", "Басқа", ""],
]
SETTINGS = [["form_title", "form_id", "version", "sms_keyword", "kind", "phase"],
            ["Queue check", "alpha-queues", "2023031901", "QC", "voting", "voting"]]


def workbook(survey=SURVEY, choices=CHOICES, settings=SETTINGS) -> bytes:
    book = openpyxl.Workbook()
    sheets = [("survey", survey), ("choices", choices), ("settings", settings)]
    book.active.title = "survey"
    for title, rows in sheets:
        sheet = book[title] if title in book.sheetnames else book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_reads_languages_codes_types_and_sections(world):
    version = import_xlsform(world.alpha, workbook(), world.alice, filename="queues.xlsx")
    form = version.form
    assert (form.code, form.name, form.sms_keyword, form.kind, form.phase) == (
        "queues", "Queue check", "QC", "voting", "voting")
    assert version.status == FormVersion.Status.DRAFT and version.number == 1
    assert version.version_string == "2023031901"
    questions = {q.name: q for q in version.questions.all()}
    assert questions["queue"].type == Question.Type.YES_NO
    assert questions["queue"].label == {"en": "Queue?", "ru": "Очередь?", "kk": "Кезек?"}
    assert questions["queue"].code == "Q1" and questions["queue"].required
    assert [(c["name"], c["sms"]) for c in questions["issues"].choices] == [
        ("stuffing", "S"), ("pressure", "P"), ("other", "3")]
    assert questions["queue_length"].minimum == 0 and questions["queue_length"].maximum == 500
    assert questions["problems"].type == Question.Type.GROUP
    assert questions["issues"].group == "problems"
    assert questions["visits"].type == Question.Type.REPEAT and questions["at"].repeat == "visits"
    assert questions["station"].choices_from == "stations.csv"
    assert questions["start"].type == Question.Type.DATETIME and questions["start"].code == ""
    assert questions["issue_note"].code == "Q3"          # given one, as it had none
    assert questions["remarks"].code == "@"
    assert '<data id="alpha-queues" version="1">' in version.xform
    assert version.xlsform.read()[:2] == b"PK"


def test_imported_form_validates_and_has_an_sms_schema(world):
    version = import_xlsform(world.alpha, workbook(), world.alice, filename="queues.xlsx")
    result = validate_answers(version, {"queue": "Y", "queue_length": "600", "issues": "S,P",
                                        "visits": [{"at": "10:05"}], "start": "2023-03-19T07:00:00Z"},
                              station=world.station_astana)
    assert [e.message for e in result.errors] == ["Q2: 600 is above the maximum 500"]
    assert result.cleaned["issues"] == ["stuffing", "pressure"]
    schema = sms_schema(version)
    assert schema.keyword == "QC" and schema.field("P1").choices == {"S": "stuffing", "P": "pressure",
                                                                     "3": "other"}
    assert schema.field("R").columns[0].name == "at"
    assert schema.comment_question == "remarks"


def test_the_same_workbook_twice_is_one_version_and_a_change_is_a_new_one(world):
    first = import_xlsform(world.alpha, workbook(), world.alice, filename="queues.xlsx")
    again = import_xlsform(world.alpha, workbook(), world.alice, filename="queues.xlsx")
    assert again.pk == first.pk
    changed = [row[:] for row in SURVEY]
    changed[2][2] = "Is there a queue?"
    second = import_xlsform(world.alpha, workbook(survey=changed), world.alice, filename="queues.xlsx")
    assert second.number == 2 and second.form_id == first.form_id


def test_a_bad_workbook_gives_pyxforms_row_numbered_errors_and_stores_nothing(world):
    bad = [row[:] for row in SURVEY]
    bad[4] = ["begin_group", "problems", "Problems", "", "", "", "", "", "", ""]
    del bad[7]   # no end_group
    with pytest.raises(FormDefinitionError) as caught:
        import_xlsform(world.alpha, workbook(survey=bad), world.alice, filename="queues.xlsx")
    assert any("[row : 5]" in error and "begin_group" in error for error in caught.value.errors)
    assert not Form.objects.filter(mission=world.alpha).exists()
    assert not FormVersion.objects.exists()


def test_our_own_checks_are_collected_with_row_numbers(world):
    bad = [row[:] for row in SURVEY]
    bad[3][6] = "${queue} == 'yes'"                     # not XLSForm
    bad[5][9] = "Q1"                                    # code used twice
    with pytest.raises(FormDefinitionError) as caught:
        import_xlsform(world.alpha, workbook(survey=bad), world.alice, filename="queues.xlsx")
    errors = caught.value.errors
    assert any(e.startswith("[row : 4] queue_length: relevant:") and "position 10" in e for e in errors)
    assert any(e.startswith("[row : 6] issues: sms_field 'Q1' is also used by queue") for e in errors)
    assert not Form.objects.exists()


def test_settings_are_checked(world):
    settings = [["form_id", "sms_keyword", "kind", "contest"], ["x", "OP", "voting", "nope"]]
    import_xlsform(world.alpha, workbook(settings=[["form_id", "sms_keyword"], ["other", "OP"]]),
                   world.alice, filename="other.xlsx")
    with pytest.raises(FormDefinitionError) as caught:
        import_xlsform(world.alpha, workbook(settings=settings), world.alice, filename="x.xlsx")
    assert "settings: sms_keyword 'OP' is already used by the form other" in caught.value.errors
    assert "settings: contest 'nope' is not a contest of kz-test" in caught.value.errors
    assert not Form.objects.filter(code="x").exists()


def test_unsupported_question_types_are_refused(world):
    bad = [SURVEY[0], ["geotrace", "route", "Route", "", "", "", "", "", "", ""]]
    with pytest.raises(FormDefinitionError, match="the question type 'geotrace' is not supported"):
        import_xlsform(world.alpha, workbook(survey=bad, choices=CHOICES[:1]), world.alice,
                       filename="route.xlsx")


def test_not_a_workbook_is_refused(world):
    with pytest.raises(FormDefinitionError):
        import_xlsform(world.alpha, b"hello", world.alice, filename="form.xlsx")
    with pytest.raises(FormDefinitionError, match="must be an .xlsx"):
        import_xlsform(world.alpha, b"hello", world.alice, filename="form.pdf")


def test_command_imports_and_publishes(world, tmp_path, capsys):
    path = tmp_path / "queues.xlsx"
    path.write_bytes(workbook())
    call_command("import_form", str(path), "--mission", "alpha", "--publish")
    version = Form.objects.get(mission=world.alpha, code="queues").published_version()
    assert version is not None and version.number == 1
    assert "form queues version 1 (published)" in capsys.readouterr().out


def test_command_prints_errors_and_exits_2(world, tmp_path, capsys):
    bad = [row[:] for row in SURVEY]
    bad[2][0] = "select_one nolist"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(survey=bad))
    with pytest.raises(CommandError) as caught:
        call_command("import_form", str(path), "--mission", "alpha")
    assert caught.value.returncode == 2
    assert "bad.xlsx:" in capsys.readouterr().err
    assert not Form.objects.exists()


def test_publishing_an_import_retires_the_previous_version(world):
    first = publish_version(import_xlsform(world.alpha, workbook(), world.alice, filename="q.xlsx"),
                            world.alice)
    changed = [row[:] for row in SURVEY]
    changed[2][2] = "Queue outside?"
    second = import_xlsform(world.alpha, workbook(survey=changed), world.alice, filename="q.xlsx",
                            publish=True)
    first.refresh_from_db()
    assert second.is_published and first.status == FormVersion.Status.RETIRED
    assert first.accepts_submissions      # phones holding it may still send it


def test_a_workbook_without_settings_is_named_after_its_file(world):
    survey = [["type", "name", "label"], ["text", "seen", "What did you see?"]]
    version = import_xlsform(world.alpha, workbook(survey=survey, choices=CHOICES[:1], settings=[[]]),
                             world.alice, filename="Spot Check.xlsx")
    form = version.form
    assert (form.code, form.name, form.sms_keyword, form.kind) == ("spot-check", "spot-check", "", "other")
    assert version.questions.get(name="seen").label == {"en": "What did you see?"}
    assert '<data id="alpha-spot-check" version="1">' in version.xform
