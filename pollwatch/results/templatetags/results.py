from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value, places=1):
    """A share (0-1) as a percentage, ``48.8 %``; a dash when there is none."""
    if value is None or value == "":
        return "–"
    return f"{100 * float(value):.{int(places)}f} %"
