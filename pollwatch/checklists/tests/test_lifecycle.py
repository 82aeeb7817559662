"""Form versions: draft -> published -> retired, test submissions purged on publish, every
change audited, exports that merge versions without shifting columns."""

import datetime as dt

import pytest

from pollwatch.accounts.models import AuditEntry
from pollwatch.checklists.models import Form, FormVersion
from pollwatch.checklists.services import (
    create_version,
    export_columns,
    find_form_by_keyword,
    find_version,
    publish_version,
    retire_version,
    versions_on_offer,
)
from pollwatch.submissions.models import Submission

V1 = [
    {"name": "station", "type": "select_one", "choices_from": "stations.csv", "required": True,
     "label": {"en": "Station"}},
    {"name": "queue", "code": "A1", "type": "yes_no", "label": {"en": "Queue?", "ru": "Очередь?"}},
    {"name": "crowded", "code": "A2", "type": "yes_no", "label": {"en": "Crowded?"}},
    {"name": "assessment", "code": "A3", "type": "integer", "minimum": 1, "maximum": 4,
     "label": {"en": "Assessment"}},
]
# version 2: "crowded" removed, "secrecy" added in the middle, "queue" relabelled
V2 = [V1[0], {**V1[1], "label": {"en": "Queue outside?"}},
      {"name": "secrecy", "code": "A4", "type": "yes_no", "label": {"en": "Secret?"}}, V1[3]]


@pytest.fixture
def form(world):
    return Form.objects.create(mission=world.alpha, code="quick", name="Quick check", kind="voting",
                               phase="voting", sms_keyword="QK")


def submission(version, key, *, is_test):
    return Submission.objects.create(mission=version.form.mission, form=version.form,
                                     form_version=version, channel="api", key=key, answers={},
                                     received_at=dt.datetime(2023, 3, 19, 5, tzinfo=dt.UTC),
                                     is_test=is_test)


def test_create_version_makes_a_draft_with_questions_and_xform(world, form):
    version = create_version(form, V1, world.alice)
    assert version.status == FormVersion.Status.DRAFT and version.number == 1
    assert not version.accepts_submissions
    assert list(version.questions.values_list("name", flat=True)) == ["station", "queue", "crowded",
                                                                      "assessment"]
    assert version.created_by == world.alice
    assert '<data id="alpha-quick" version="1">' in version.xform
    assert AuditEntry.objects.filter(model="checklists.FormVersion", object_id=str(version.pk),
                                     action="create", user=world.alice).exists()


def test_publishing_purges_the_drafts_test_submissions_only(world, form):
    draft = create_version(form, V1, world.alice)
    submission(draft, "t1", is_test=True)
    superseded = submission(draft, "t2", is_test=True)
    correction = submission(draft, "t3", is_test=True)
    correction.supersedes = superseded
    correction.save()
    real = submission(draft, "real", is_test=False)
    publish_version(draft, world.alice)
    assert list(Submission.objects.values_list("key", flat=True)) == [real.key]
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None and draft.accepts_submissions
    purge = AuditEntry.objects.get(model="checklists.FormVersion", action="delete")
    assert purge.changes == {"test_submissions": [3, 0]} and purge.mission == world.alpha


def test_publishing_a_new_version_retires_the_old_but_keeps_it_accepting(world, form):
    first = publish_version(create_version(form, V1, world.alice), world.alice)
    second = publish_version(create_version(form, V2, world.alice), world.alice)
    first.refresh_from_db()
    assert first.status == FormVersion.Status.RETIRED and first.retired_at is not None
    assert first.accepts_submissions
    assert form.published_version() == second
    assert versions_on_offer(world.alpha) == [second]
    assert find_version(world.alpha, "alpha-quick", "1") == first
    assert find_version(world.alpha, "alpha-quick") == second
    assert find_version(world.alpha, "alpha-quick", "7") is None
    assert find_form_by_keyword(world.alpha, "qk") == form
    changes = AuditEntry.objects.filter(model="checklists.FormVersion", object_id=str(first.pk),
                                        action="update").values_list("changes", flat=True)
    assert any(c.get("status") == ["published", "retired"] for c in changes)


def test_retiring_stops_the_offer(world, form):
    version = publish_version(create_version(form, V1, world.alice), world.alice)
    retire_version(version, world.alice)
    version.refresh_from_db()
    assert version.status == FormVersion.Status.RETIRED and form.published_version() is None
    assert versions_on_offer(world.alpha) == []
    draft = retire_version(create_version(form, V2, world.alice), "cli")
    assert not draft.accepts_submissions      # a discarded draft was never out


def test_export_columns_are_stable_across_versions(world, form):
    publish_version(create_version(form, V1, world.alice), world.alice)
    before = [c.name for c in export_columns(form)]
    publish_version(create_version(form, V2, world.alice), world.alice)
    columns = export_columns(form)
    assert before == ["station", "queue", "crowded", "assessment"]
    assert [c.name for c in columns] == ["station", "queue", "crowded", "assessment", "secrecy"]
    by_name = {c.name: c for c in columns}
    assert (by_name["crowded"].first_version, by_name["crowded"].last_version) == (1, 1)
    assert (by_name["secrecy"].first_version, by_name["secrecy"].last_version) == (2, 2)
    assert by_name["queue"].label_in("en") == "Queue outside?"     # the newest label
    assert by_name["queue"].code == "A1" and by_name["queue"].choices == ("yes", "no")
