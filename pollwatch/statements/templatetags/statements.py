from django import template

register = template.Library()


@register.simple_tag
def published_statements_of(mission):
    """The mission's statements the public may read (with at least one publication)."""
    from pollwatch.statements.views import published_statements

    return list(published_statements(mission)[:5])
