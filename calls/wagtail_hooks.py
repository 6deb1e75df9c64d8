from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from calls import admin_views, permissions
from calls.models import CallPage


@hooks.register("register_admin_urls")
def register_calls_urls():
    return [
        path("calls/", admin_views.calls_index, name="calls_admin_index"),
        path("calls/settings/", admin_views.call_settings, name="calls_admin_settings"),
        path("calls/<id:call_id>/", admin_views.call_projects, name="calls_admin_projects"),
        path("calls/<id:call_id>/bulk/", admin_views.call_bulk, name="calls_admin_bulk"),
        path("calls/<id:call_id>/ranking/", admin_views.call_ranking, name="calls_admin_ranking"),
        path("calls/<id:call_id>/export/", admin_views.call_export, name="calls_admin_export"),
        path(
            "calls/<id:call_id>/laureates/",
            admin_views.call_laureates_publish,
            name="calls_admin_laureates_publish",
        ),
        path(
            "calls/exports/<id:export_id>/", admin_views.export_download, name="calls_admin_export_download"
        ),
        path("calls/dossiers/<id:project_id>/", admin_views.project_manage, name="calls_admin_project"),
        path("calls/dossiers/<id:project_id>/status/", admin_views.project_status, name="calls_admin_status"),
        path("calls/dossiers/<id:project_id>/assign/", admin_views.project_assign, name="calls_admin_assign"),
    ]


class CallsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.manages_some_call(request.user)


@hooks.register("register_admin_menu_item")
def register_calls_menu_item():
    return CallsMenuItem(
        gettext_lazy("Calls for projects"),
        reverse("calls_admin_index"),
        icon_name="folder-open-inverse",
        order=250,
    )


@hooks.register("before_delete_page")
def keep_calls_with_dossiers(request, page):
    """A call that has dossiers cannot be deleted (nothing is lost); say so and what to do instead."""
    specific = page.specific
    if isinstance(specific, CallPage) and specific.projects.exists():
        messages.error(
            request,
            _(
                "This call has received dossiers, so it cannot be deleted: no dossier is ever lost. "
                "Unpublish it instead if it should no longer be shown."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
