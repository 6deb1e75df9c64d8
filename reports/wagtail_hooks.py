from django.urls import path, reverse
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from consultations import permissions
from reports import views


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/", views.report_index, name="feedback_report_index"),
        path("reports/<id:consultation_id>/", views.report_detail, name="feedback_report_detail"),
        path(
            "reports/<id:consultation_id>/compile/",
            views.report_compile_request,
            name="feedback_report_compile",
        ),
        path("reports/<id:consultation_id>/status/", views.report_status, name="feedback_report_status"),
        path(
            "reports/<id:consultation_id>/export/<str:file_format>/",
            views.report_export_request,
            name="feedback_report_export",
        ),
        path(
            "reports/<id:consultation_id>/export/<str:file_format>/status/",
            views.report_export_status,
            name="feedback_report_export_status",
        ),
        path("reports/download/<str:token>/", views.report_download, name="feedback_report_download"),
        path("reports/<id:consultation_id>/answers/", views.report_answers, name="feedback_report_answers"),
        path(
            "reports/<id:consultation_id>/themes/correct/", views.theme_correct, name="feedback_theme_correct"
        ),
        path(
            "reports/<id:consultation_id>/themes/undo/<id:correction_id>/",
            views.theme_correction_undo,
            name="feedback_theme_correction_undo",
        ),
    ]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.has_role_somewhere(request.user, "official")


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(
        pgettext_lazy("compiled feedback", "Reports"),
        reverse("feedback_report_index"),
        icon_name="table",
        order=250,
    )
