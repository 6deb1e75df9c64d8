from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Numbered pages of 50 items (`page_size` up to 200); every list has a stable order."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
