from django import template

from pollwatch.formats import numbers

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def equation_failure(failure):
    """A failed control equation, named in the page's language, with its difference."""
    from pollwatch.results.reasons import equation_failure as words

    return words(failure)


@register.filter
def percent(value, places=1):
    """A share (0-1) as a percentage in the page's language, ``48.8 %`` / ``48,8 %``; a dash
    when there is none (pollwatch.formats.numbers)."""
    return numbers.percent(value, None, int(places))
