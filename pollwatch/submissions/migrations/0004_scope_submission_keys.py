"""A submission's key is unique among its scope's keys in the mission (its inbound report's
key scope), so that a partner's or observer's key cannot block another sender's report."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Submission = apps.get_model("submissions", "Submission")
    InboundReport = apps.get_model("intake", "InboundReport")
    scopes = dict(InboundReport.objects.exclude(key_scope="").values_list("id", "key_scope"))
    batch = []
    for submission in Submission.objects.filter(inbound__isnull=False).only(
            "id", "inbound_id").iterator(chunk_size=2000):
        submission.key_scope = scopes.get(submission.inbound_id, "")
        batch.append(submission)
        if len(batch) >= 2000:
            Submission.objects.bulk_update(batch, ["key_scope"])
            batch = []
    if batch:
        Submission.objects.bulk_update(batch, ["key_scope"])


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0003_station_record_merge_state"),
        ("intake", "0003_scope_idempotency_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="key_scope",
            field=models.CharField(blank=True, default="", max_length=160, help_text=(
                "Whose keys the key is unique among (its inbound report's key scope)")),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="submission", name="submission_key_unique"),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(fields=("mission", "key_scope", "key"),
                                               name="submission_key_unique"),
        ),
    ]
