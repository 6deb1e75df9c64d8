"""Public votes in the back office: officials set up the votes of their organisation's calls."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet

from budgets import permissions
from budgets.forms import PublicVoteAdminForm
from budgets.models import PublicVote


class ManagedOnly:
    """Lists and opens only the votes the person manages (others are a 404)."""

    def get_queryset(self):
        return permissions.votes_managed_by(self.request.user)


class PublicVoteIndexView(generic.IndexView):
    def get_base_queryset(self):
        return permissions.votes_managed_by(self.request.user)


class PublicVoteEditView(ManagedOnly, generic.EditView):
    pass


class PublicVoteDeleteView(ManagedOnly, generic.DeleteView):
    pass


class ManagedObjectOnly:
    """The history and usage views look their object up here: other organisations' votes are a 404."""

    def get_base_object_queryset(self):
        return permissions.votes_managed_by(self.request.user)


class PublicVoteHistoryView(ManagedObjectOnly, history.HistoryView):
    pass


class PublicVoteUsageView(ManagedObjectOnly, usage.UsageView):
    pass


class PublicVoteViewSet(ModelViewSet):
    model = PublicVote
    icon = "tasks"
    menu_label = _("Public votes")
    menu_order = 255
    add_to_admin_menu = True
    list_display = ["call", "method", "opens_at", "closes_at"]
    list_filter = ["method"]
    search_fields = ["call__title"]
    search_backend_name = None  # the ORM's filter: no search index to keep
    index_view_class = PublicVoteIndexView
    edit_view_class = PublicVoteEditView
    delete_view_class = PublicVoteDeleteView
    history_view_class = PublicVoteHistoryView
    usage_view_class = PublicVoteUsageView
    edit_handler = ObjectList(PublicVote.panels, base_form_class=PublicVoteAdminForm)
    inspect_view_enabled = False
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_public_vote_viewset():
    return PublicVoteViewSet("budgets_votes")
