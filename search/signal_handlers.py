"""Keep the search index free of what stopped being public.

Wagtail adds an indexed object on save only while it is among its model's `get_indexed_objects()`,
but never takes out one that left them (an idea hidden by moderation, an initiative unpublished).
The search results are filtered to public rows anyway (selectors.py); this removes the stale entry
too, so the index holds no text that is no longer public.
"""

from django.db.models.signals import post_save
from wagtail.search import index

from calls.models import Project
from commons.models import Initiative
from consultations.models import Idea


def _drop_if_no_longer_public(sender, instance, **kwargs):
    if not sender.get_indexed_objects().filter(pk=instance.pk).exists():
        index.remove_object(instance)


def register():
    for model in (Idea, Project, Initiative):
        post_save.connect(
            _drop_if_no_longer_public, sender=model, dispatch_uid=f"search_drop_{model.__name__}"
        )
