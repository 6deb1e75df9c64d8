"""The opinion map and the per-group bars of a stored statements section, for the report page and the
outcome pages' blocks (`feedback/includes/opinion_map.html`, `statement_groups.html`).

    {% load opinion_charts %}
    {% map_drawing st as drawing %}
    {% statement_table st as table %}    the order (?sort=) and page (?page=) come from the address;
    {% statement_table st per_page=10 as table %}  fewer statements a page (an outcome page's block)
"""

from django import template
from django.http import QueryDict

from reports import opinion_map

register = template.Library()


@register.simple_tag
def map_drawing(section):
    return opinion_map.map_drawing(section)


def _address(request, **changes) -> str:
    """The current address's query string with `changes` made (a None value removes the key)."""
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.simple_tag(takes_context=True)
def statement_table(context, section, per_page=opinion_map.STATEMENTS_PER_PAGE):
    request = context.get("request")
    get = request.GET if request is not None else {}
    table = opinion_map.statement_rows(
        section,
        sort=get.get("sort", ""),
        page=get.get("page") or 1,
        per_page=per_page or opinion_map.STATEMENTS_PER_PAGE,
    )
    if table is None:
        return None
    table["sort_links"] = [
        {
            "sort": sort,
            "url": _address(request, sort=sort or None, page=None),
            "current": sort == table["sort"],
        }
        for sort in ("", *opinion_map.SORTS)
    ]
    current = table["page"]
    table["previous_url"] = (
        _address(request, page=str(current.previous_page_number())) if current.has_previous() else None
    )
    table["next_url"] = (
        _address(request, page=str(current.next_page_number())) if current.has_next() else None
    )
    return table
