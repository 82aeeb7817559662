"""The observer web page, its service worker and manifest (the browser test is separate)."""


def test_observer_page_needs_sign_in(client):
    response = client.get("/observe/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_observer_page_loads_the_offline_scripts(world, login):
    response = login(world.oleg).get("/observe/")
    assert response.status_code == 200
    page = response.content.decode()
    for script in ("intake/outbox.js", "intake/render.js", "intake/observe.js"):
        assert script in page
    assert 'data-sw="/observe/sw.js"' in page and 'data-user="oleg"' in page


def test_service_worker_is_served_for_the_observe_scope(client):
    response = client.get("/observe/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/observe/"
    body = response.content.decode()
    assert '"/observe/"' in body and "/static/intake/observe.js" in body
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_web_manifest(client):
    response = client.get("/observe/manifest.webmanifest")
    assert response.status_code == 200 and '"scope": "/observe/"' in response.content.decode()


def test_signed_in_observer_gets_a_device_token_for_the_page(world):
    from django.test import Client

    from pollwatch.factories import PASSWORD
    from pollwatch.intake.models import DeviceToken

    signed_in = Client(enforce_csrf_checks=True)
    assert signed_in.login(username="oleg", password=PASSWORD)
    refused = signed_in.post("/api/v1/devices", "{}", content_type="application/json")
    assert refused.status_code == 403  # no CSRF token
    signed_in.get("/observe/")
    csrf = signed_in.cookies["csrftoken"].value
    response = signed_in.post("/api/v1/devices", '{"label": "web"}', content_type="application/json",
                              HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
    token = DeviceToken.objects.get()
    assert token.observer == world.observer_oleg and token.label == "web"
    assert response.json()["token"].startswith("pwd_") and response.json()["username"] == "oleg"
