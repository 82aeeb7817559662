"""A person who reaches a missing page, a refusal or a server error sees a styled page in their
language with a way back, never Django's bare text; every page names the favicon."""

import pytest
from django.test import Client, override_settings
from django.urls import path


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash)]


def test_missing_page_is_styled_and_offers_a_way_back(world, client):
    client.force_login(world.alice)
    response = client.get("/m/alpha/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'href="/accounts/' in page or "start page" in page
    assert "pollwatch/app.css" in page


def test_missing_page_speaks_russian_to_a_russian_reader(world, client):
    client.cookies["django_language"] = "ru"
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_is_styled_and_says_the_request_may_not_be_saved(db):
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "may not have been saved" in page
    assert "pollwatch/favicon.svg" in page


@pytest.mark.parametrize("url", ["/accounts/login/", "/statements/"])
def test_pages_name_the_favicon(db, client, url):
    assert "pollwatch/favicon.svg" in client.get(url).content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_speaks_kazakh_to_a_kazakh_reader(db):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="kk")
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Бірдеңе дұрыс болмады" in response.content.decode()
