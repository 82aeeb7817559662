"""The data note (where an election's figures come from) is read in the page's language."""

from django.utils import translation


def test_the_data_note_is_read_in_the_pages_language(world):
    election = world.alpha.election
    election.data_note = "Demo data."
    election.data_note_translations = {"ru": "Демонстрационные данные."}
    election.save()

    assert election.data_note_in("ru") == "Демонстрационные данные."
    assert election.data_note_in("kk") == "Demo data."   # not written in Kazakh: as written
    with translation.override("ru"):
        assert election.data_note_in() == "Демонстрационные данные."


def test_pages_show_the_data_note_in_russian(world, login):
    election = world.alpha.election
    election.data_note = "Demo data."
    election.data_note_translations = {"ru": "Демонстрационные данные."}
    election.save()
    page = login(world.anna).get("/m/alpha/coverage/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Демонстрационные данные." in page and "Demo data." not in page
