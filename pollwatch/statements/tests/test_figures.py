"""The figure placeholders: a small syntax, parsed and rendered safely."""

import pytest

from pollwatch.statements.figures import (
    FigureSyntaxError,
    FigureValue,
    errors_in,
    parse_placeholder,
    refs_in,
    render_text,
    share_words,
)


def test_a_share_placeholder_is_read_with_its_options():
    ref = parse_placeholder(' share form="voting" question="overall" values="bad,very_bad" show="percent" ')
    assert ref.kind == "share"
    assert ref.params == {"form": "voting", "question": "overall", "values": "bad,very_bad", "show": "percent"}
    # How a figure reads does not change what it counts.
    plain = parse_placeholder('share values="bad,very_bad" question="overall" form="voting"')
    assert ref.key == plain.key


@pytest.mark.parametrize("inner, message", [
    ('total form="voting"', "unknown figure 'total'"),
    ('share form="voting" values="bad"', "share needs question"),
    ('share form="voting" question="q" values="bad" colour="red"', "does not take colour"),
    ("share form=voting", "write name=\"value\""),
    ('share form="a" form="b" question="q" values="v"', "form is given twice"),
    ('share form="a" question="q" values="v" show="pie"', "show is one of"),
])
def test_bad_placeholders_say_what_is_wrong(inner, message):
    with pytest.raises(FigureSyntaxError, match=message):
        parse_placeholder(inner)


def test_text_is_escaped_and_figures_become_links():
    ref = parse_placeholder('share form="voting" question="overall" values="bad"')
    value = FigureValue(ref.key, "share", dict(ref.query), share=0.04, count=20, base=512)
    html = render_text('<script>x</script> Assessed negatively in {{ share form="voting" question="overall" '
                       'values="bad" }}.\n\n- one\n- two {{ nonsense }}', {ref.key: value}, "en",
                       lambda key: f"/f/{key}/")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f'<a class="figure-ref" href="/f/{ref.key}/">4 per cent of 512 observations</a>' in html
    assert "<ul><li>one</li><li>two <span class=\"figure-error\"" in html


def test_errors_and_refs_are_collected_from_all_texts():
    texts = ['{{ share form="voting" question="overall" values="bad" }}',
             '{{ share form="voting" question="overall" values="bad" show="count" }} {{ stations form="opening" }}',
             "{{ oops }}"]
    assert len(refs_in(texts)) == 2
    assert errors_in(texts) == ["{{ oops }}: unknown figure 'oops': use share, observations, stations"]


@pytest.mark.parametrize("share, base, language, words", [
    (0.04, 512, "en", "4 per cent of 512 observations"),
    (0.004, 1, "en", "0.4 per cent of 1 observation"),
    (0.04, 512, "ru", "4\u00a0% из 512 наблюдений"),
    (0.5, 21, "ru", "50\u00a0% из 21 наблюдения"),
    (0.5, 11, "ru", "50\u00a0% из 11 наблюдений"),
    (0.523, 10223, "ru", "52\u00a0% из 10\u00a0223 наблюдений"),
    (0.004, 1, "ru", "0,4\u00a0% из 1 наблюдения"),
    (0.04, 512, "kk", "512 байқаудың 4 пайызы"),
    (0.004, 10223, "kk", "10\u00a0223 байқаудың 0,4 пайызы"),
    (0.523, 10223, "en", "52 per cent of 10,223 observations"),
    (None, 0, "en", "– per cent of 0 observations"),
])
def test_share_words_in_each_language(share, base, language, words):
    assert share_words(share, base, language) == words
