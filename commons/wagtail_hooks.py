"""The initiatives in the back office: officials manage their organisation's, editors and
administrators all of them (permissions.InitiativePermissionPolicy)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet

from commons import admin_views, permissions
from commons.forms import InitiativeAdminForm
from commons.models import Initiative


class ManagedOnly:
    """Lists and opens only the initiatives the person manages (others are a 404, not a form)."""

    def get_queryset(self):
        return permissions.initiatives_managed_by(self.request.user)


class InitiativeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return permissions.initiatives_managed_by(self.request.user)


class InitiativeEditView(ManagedOnly, generic.EditView):
    pass


class InitiativeDeleteView(ManagedOnly, generic.DeleteView):
    pass


class ManagedObjectOnly:
    """The history and usage views look their object up here: other organisations' initiatives are a 404."""

    def get_base_object_queryset(self):
        return permissions.initiatives_managed_by(self.request.user)


class InitiativeHistoryView(ManagedObjectOnly, history.HistoryView):
    pass


class InitiativeUsageView(ManagedObjectOnly, usage.UsageView):
    pass


class InitiativeViewSet(ModelViewSet):
    model = Initiative
    icon = "globe"
    menu_label = _("Initiatives commons")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "organisation", "territory", "published", "updated_at"]
    list_filter = ["published", "scale", "licence"]
    search_fields = ["title", "description"]
    search_backend_name = None  # the ORM's filter on these fields: no search index to keep
    index_view_class = InitiativeIndexView
    edit_view_class = InitiativeEditView
    delete_view_class = InitiativeDeleteView
    history_view_class = InitiativeHistoryView
    usage_view_class = InitiativeUsageView
    edit_handler = ObjectList(Initiative.panels, base_form_class=InitiativeAdminForm)
    inspect_view_enabled = False
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_initiative_viewset():
    return InitiativeViewSet("commons_initiatives")


@hooks.register("register_admin_urls")
def register_commons_urls():
    return [
        path(
            "commons/from-dossier/<int:project_id>/",
            admin_views.initiative_from_project,
            name="commons_initiative_from_project",
        )
    ]
