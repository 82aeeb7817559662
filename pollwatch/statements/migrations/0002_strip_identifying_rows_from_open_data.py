"""Published open data: strip the rows that say who was where, and suppress small cells.

Publications made before open data was aggregates only store a CSV that counts every counted
question, the station question among them (one row per observed polling station). It cannot be
regenerated as it was published (the reports have changed since), so this migration rewrites the
stored CSV in the new columns from the rows it keeps:

- rows of questions that are not public now (the station question, choices from a file, a
  selection without declared choices, any question the form no longer has) are dropped;
- answers outside a question's declared choices are counted together as ``_other``;
- a cell is suppressed when its base, or the number of places (stations, and reports made at no
  station) that reported the form in its scope by the time of publication, is below
  ``OPEN_DATA_MIN_STATIONS``; in region and phase, the next smallest cell too when only one is;
- ``stations`` is left empty: it was not recorded.

Self-contained on purpose (historical models, no application code), so it stays as it runs now.
"""

import csv
import io

from django.conf import settings
from django.db import migrations

FIELDS = ["form", "question", "label", "answer", "answer_label", "scope", "scope_value",
          "count", "base", "stations", "share", "suppressed"]
COUNTED = ("yes_no", "select_one", "select_multiple")


def _public(question):
    if question.name == "station" or question.choices_from:
        return False
    return question.type == "yes_no" or (question.type in COUNTED and bool(question.choices))


def _values(question):
    if question.type == "yes_no":
        return ["yes", "no"]
    return [str(c.get("name")) for c in question.choices or []]


def _suppress(places, minimum):
    withheld = {scope for scope, n in places.items() if n < minimum}
    for kind in ("region", "phase"):
        parts = sorted((n, scope) for scope, n in places.items() if scope[0] == kind)
        hidden = [scope for _, scope in parts if scope in withheld]
        if len(hidden) == 1 and len(parts) > 1 and ("overall", "") not in withheld:
            withheld.add(next(scope for _, scope in parts if scope not in withheld))
    return withheld


def _places(Submission, mission_id, form_code, published_at):
    """Upper bounds of the places behind each scope: every non-test report of the form received
    by the time of publication."""
    seen = {}
    for n, (station, region, phase) in enumerate(
            Submission.objects.filter(mission_id=mission_id, form__code=form_code, is_test=False,
                                      received_at__lte=published_at)
            .values_list("station_id", "station__region__code", "phase")):
        place = station if station is not None else f"none-{n}"
        for scope in (("overall", ""), ("region", region or ""), ("phase", phase or "")):
            seen.setdefault(scope, set()).add(place)
    return {scope: len(places) for scope, places in seen.items()}


def rewrite(text, questions, places_of, minimum):
    """The stored CSV ``text`` in the new form. ``questions(form, name)`` is the question of the
    mission's form (or None); ``places_of(form)`` the upper bounds of places by scope."""
    reader = csv.DictReader(io.StringIO(text or ""))
    if reader.fieldnames and "suppressed" in reader.fieldnames:
        return text   # already in the new form
    cells, order, labels = {}, [], {}
    for row in reader:
        question = questions(row["form"], row["question"])
        if question is None or not _public(question):
            continue
        key = (row["form"], row["question"], row["scope"], row["scope_value"])
        if key not in cells:
            order.append(key)
            cells[key] = {"base": int(row["base"] or 0), "counts": {}, "label": row["label"]}
        known = _values(question)
        answer = row["answer"] if row["answer"] in known else "_other"
        labels[(row["form"], row["question"], answer)] = (row["answer_label"] if answer == row["answer"]
                                                           else "Other answers")
        counts = cells[key]["counts"]
        counts[answer] = counts.get(answer, 0) + int(row["count"] or 0)
    rows = []
    hidden_of = {}
    for form, name in dict.fromkeys((f, q) for f, q, _, _ in order):
        bounds = places_of(form)
        places = {(s, v): min(cells[(f, q, s, v)]["base"], bounds.get((s, v), 0))
                  for f, q, s, v in order if (f, q) == (form, name)}
        hidden_of[(form, name)] = _suppress(places, minimum)
    for form, name, scope, value in order:
        cell = cells[(form, name, scope, value)]
        question = questions(form, name)
        answers = _values(question) + (["_other"] if any(
            "_other" in cells[k]["counts"] for k in order if k[:2] == (form, name)) else [])
        hidden = (scope, value) in hidden_of[(form, name)]
        for answer in answers:
            count = cell["counts"].get(answer, 0)
            row = {"form": form, "question": name, "label": cell["label"], "answer": answer,
                   "answer_label": labels.get((form, name, answer), answer), "scope": scope,
                   "scope_value": value}
            if hidden:
                row.update(count="", base="", stations="", share="", suppressed=1)
            else:
                row.update(count=count, base=cell["base"], stations="",
                           share=round(count / cell["base"], 6) if cell["base"] else "", suppressed=0)
            rows.append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def strip_identifying_rows(apps, schema_editor):
    Publication = apps.get_model("statements", "Publication")
    Question = apps.get_model("checklists", "Question")
    Submission = apps.get_model("submissions", "Submission")
    minimum = int(getattr(settings, "OPEN_DATA_MIN_STATIONS", 5))
    for publication in Publication.objects.exclude(open_data="").select_related("statement"):
        mission_id = publication.statement.mission_id
        found, bounds = {}, {}

        def questions(form, name, mission_id=mission_id, found=found):
            if (form, name) not in found:
                found[(form, name)] = (Question.objects.filter(version__form__mission_id=mission_id,
                                                               version__form__code=form, name=name)
                                       .order_by("-version__number").first())
            return found[(form, name)]

        def places_of(form, mission_id=mission_id, bounds=bounds, at=publication.published_at):
            if form not in bounds:
                bounds[form] = _places(Submission, mission_id, form, at)
            return bounds[form]

        text = rewrite(publication.open_data, questions, places_of, minimum)
        if text != publication.open_data:
            Publication.objects.filter(pk=publication.pk).update(open_data=text)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_initial"),
        ("checklists", "0002_versions_fingerprint_sections"),
        ("submissions", "0004_scope_submission_keys"),
    ]

    operations = [
        migrations.RunPython(strip_identifying_rows, migrations.RunPython.noop, elidable=True),
    ]
