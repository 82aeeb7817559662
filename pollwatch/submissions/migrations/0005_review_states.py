"""Review states of submissions (received, verified, has issues, rejected) and the history of
their changes. Every existing submission starts as received."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATES = [("received", "Received"), ("verified", "Verified"), ("has_issues", "Has issues"),
          ("rejected", "Rejected")]


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0004_scope_submission_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="review_state",
            field=models.CharField(choices=STATES, default="received", max_length=16),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(fields=["mission", "review_state"], name="submission_review_state"),
        ),
        migrations.CreateModel(
            name="SubmissionReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True)),
                ("actor", models.CharField(blank=True, max_length=150,
                                           help_text="Who acted when there is no user: cli, demo")),
                ("previous", models.CharField(choices=STATES, max_length=16)),
                ("state", models.CharField(choices=STATES, max_length=16)),
                ("note", models.TextField(blank=True)),
                ("by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                         related_name="+", to=settings.AUTH_USER_MODEL)),
                ("submission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                 related_name="reviews", to="submissions.submission")),
            ],
            options={"ordering": ["at", "id"]},
        ),
    ]
