from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import admin_views, permissions
from accounts.viewsets import territory_chooser_viewset


@hooks.register("register_admin_viewset")
def register_territory_chooser():
    """Every territory field of the back office's forms chooses through a search (accounts/viewsets.py)."""
    return territory_chooser_viewset


@hooks.register("register_admin_urls")
def register_invitation_urls():
    return [path("invitations/", admin_views.invitation_index, name="accounts_invitation_index")]


class InvitationsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.organisations_invitable_by(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_invitations_menu_item():
    return InvitationsMenuItem(
        _("Invitations"), reverse("accounts_invitation_index"), icon_name="mail", order=260
    )
