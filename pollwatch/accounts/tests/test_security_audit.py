"""Who issued or revoked a credential, and who downloaded an export, from where."""

from django.core.management import call_command

from pollwatch.accounts.models import AuditEntry
from pollwatch.intake.models import ApiKey, DeviceToken

A = AuditEntry.Action


def test_device_token_issue_and_revocation_leave_audit_rows_with_address_and_browser(world, login):
    phone = login(world.oleg)

    issued = phone.post("/api/v1/devices", '{"label": "field phone"}', content_type="application/json",
                        REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="PollwatchPhone/1.0")
    assert issued.status_code == 201
    token = DeviceToken.objects.get(label="field phone")
    created = AuditEntry.objects.get(model="intake.DeviceToken", object_id=str(token.pk), action=A.CREATE)
    assert (created.user, created.address, created.user_agent) == (world.oleg, "198.51.100.4",
                                                                   "PollwatchPhone/1.0")
    assert issued.json()["token"] not in str(created.changes)

    revoked = login(world.alice).delete(f"/api/v1/devices/{token.pk}", REMOTE_ADDR="198.51.100.5",
                                        HTTP_USER_AGENT="Firefox/140")
    assert revoked.status_code == 204
    entry = AuditEntry.objects.get(model="intake.DeviceToken", object_id=str(token.pk), action=A.UPDATE)
    assert (entry.user, entry.address, entry.user_agent) == (world.alice, "198.51.100.5", "Firefox/140")
    assert "revoked_at" in entry.changes


def test_partner_api_key_issue_and_revocation_are_audited(world, capsys):
    call_command("token", "api-key", "--mission", "alpha", "--name", "partner-tv")
    key = ApiKey.objects.get(name="partner-tv")
    call_command("token", "revoke", "--api-key", str(key.pk))

    rows = AuditEntry.objects.filter(model="intake.ApiKey", object_id=str(key.pk)).order_by("id")
    assert [(row.action, row.actor) for row in rows] == [(A.CREATE, "cli"), (A.UPDATE, "cli")]
    assert rows[0].mission == world.alpha and "revoked_at" in rows[1].changes


def test_an_export_download_records_who_what_and_where(world, login):
    response = login(world.anna).get("/m/alpha/results/majilis-list/nist.json?source=official",
                                     REMOTE_ADDR="203.0.113.20", HTTP_USER_AGENT="curl/8")

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=A.DOWNLOAD)
    assert (entry.user, entry.object_id, entry.mission, entry.address, entry.user_agent) == (
        world.anna, "NIST", world.alpha, "203.0.113.20", "curl/8")
    assert entry.changes["path"] == "/m/alpha/results/majilis-list/nist.json?source=official"
    assert entry.object_repr == "majilis-list-official-nist.json"


def test_a_csv_export_is_recorded_and_an_ordinary_page_is_not(world, login):
    client = login(world.alice)
    assert client.get("/m/alpha/").status_code == 200
    assert not AuditEntry.objects.filter(action=A.DOWNLOAD).exists()

    response = client.get("/m/alpha/exports/incidents.csv")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=A.DOWNLOAD)
    assert (entry.user, entry.object_id, entry.mission) == (world.alice, "CSV", world.alpha)
    client.get("/m/alpha/exports/incidents.xlsx")
    assert AuditEntry.objects.get(action=A.DOWNLOAD, object_id="XLSX").object_repr.endswith(".xlsx")


def test_a_refused_download_is_not_recorded_as_one(world, login):
    assert login(world.bob).get("/m/alpha/exports/incidents.csv").status_code in (403, 404)
    assert not AuditEntry.objects.filter(action=A.DOWNLOAD).exists()
