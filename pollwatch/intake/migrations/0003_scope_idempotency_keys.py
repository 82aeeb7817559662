"""Idempotency keys are unique per scope (the gateways' ids, or one client's keys), not
globally: a key chosen by one sender can no longer block another sender's report."""

import hashlib

from django.db import migrations, models

FAMILY = {"web": "api"}


def scope(channel, mission_id, observer_id, sender):
    if channel == "sms":
        return "sms"
    sender = f"observer:{observer_id}" if observer_id else (sender or "")
    if len(sender) > 100:
        sender = "sha256:" + hashlib.sha256(sender.encode()).hexdigest()[:40]
    return f"{FAMILY.get(channel, channel)}:mission:{mission_id or 0}:{sender}"


def fill(apps, schema_editor):
    InboundReport = apps.get_model("intake", "InboundReport")
    batch = []
    for report in InboundReport.objects.only("id", "channel", "mission_id", "observer_id",
                                             "sender").iterator(chunk_size=2000):
        report.key_scope = scope(report.channel, report.mission_id, report.observer_id,
                                 report.sender)
        batch.append(report)
        if len(batch) >= 2000:
            InboundReport.objects.bulk_update(batch, ["key_scope"])
            batch = []
    if batch:
        InboundReport.objects.bulk_update(batch, ["key_scope"])


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0002_credentials_retries_replies"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundreport",
            name="key_scope",
            field=models.CharField(blank=True, default="", max_length=160, help_text=(
                "Whose keys the key is unique among: sms (gateways' message ids), or the channel, "
                "mission and sender of a client's key (see intake.services.key_scope)")),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="inboundreport", name="inbound_key_unique"),
        migrations.AddConstraint(
            model_name="inboundreport",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True) & models.Q(("status", "refused"), _negated=True),
                fields=("key_scope", "key"), name="inbound_key_unique"),
        ),
    ]
