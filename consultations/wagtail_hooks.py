from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from consultations import admin_views, permissions
from consultations.models import ConsultationPage, OrganisationIndexPage
from consultations.placeholders import placeholders_left
from consultations.views import consultation_page_serve

# A hook of ours: how a consultation page is served (ConsultationPage.serve), by a view that imports the
# models and so cannot be imported by them.
hooks.register("serve_consultation_page", consultation_page_serve)


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [
        path("moderation/", admin_views.moderation_queue, name="consultations_moderation"),
        path("moderation/bulk/", admin_views.moderation_bulk, name="consultations_moderation_bulk"),
        path(
            "moderation/<id:statement_id>/",
            admin_views.statement_moderate,
            name="consultations_statement_moderate",
        ),
        path(
            "moderation/<str:kind>/<id:item_id>/",
            admin_views.contribution_moderate,
            name="consultations_moderate",
        ),
        path("ideas/<id:idea_id>/merge/", admin_views.idea_merge, name="consultations_idea_merge"),
        path("ideas/", admin_views.idea_answers, name="consultations_idea_answers"),
        path("ideas/<id:idea_id>/answer/", admin_views.idea_answer, name="consultations_idea_answer"),
        path("paper-forms/", admin_views.paper_index, name="consultations_paper_index"),
        path("paper-forms/<id:consultation_id>/", admin_views.paper_forms, name="consultations_paper_forms"),
        path(
            "paper-forms/<id:consultation_id>/template.csv",
            admin_views.paper_template,
            name="consultations_paper_template",
        ),
        path(
            "paper-forms/<id:consultation_id>/upload/",
            admin_views.paper_upload,
            name="consultations_paper_upload",
        ),
        path(
            "paper-forms/<id:consultation_id>/new/",
            admin_views.paper_form_enter,
            name="consultations_paper_form_enter",
        ),
    ]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.has_role_somewhere(request.user, "moderator")


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModerationMenuItem(
        gettext_lazy("Moderation"), reverse("consultations_moderation"), icon_name="warning", order=240
    )


@hooks.register("before_delete_page")
def keep_consultations_with_answers(request, page):
    """A consultation that has contributions (answers, statements, ideas, imported votes) cannot be
    deleted (nothing is lost, and they are protected in the database); say so and what to do instead."""
    specific = page.specific
    if isinstance(specific, ConsultationPage) and (
        specific.responses.exists()
        or specific.statements.exists()
        or specific.ideas.exists()
        or specific.external_participants.exists()
    ):
        messages.error(
            request,
            _(
                "This consultation has received contributions, so it cannot be deleted: no contribution is "
                "ever lost. Unpublish it instead if it should no longer be shown."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


class IdeasMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.has_role_somewhere(request.user, "official")


@hooks.register("register_admin_menu_item")
def register_ideas_menu_item():
    return IdeasMenuItem(
        gettext_lazy("Ideas"), reverse("consultations_idea_answers"), icon_name="pick", order=245
    )


class PaperFormsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.has_role_somewhere(request.user, "official")


@hooks.register("register_admin_menu_item")
def register_paper_forms_menu_item():
    return PaperFormsMenuItem(
        gettext_lazy("Paper forms"), reverse("consultations_paper_index"), icon_name="doc-full", order=246
    )


@hooks.register("before_delete_page")
def keep_organisation_sections(request, page):
    """An organisation's section goes only with its organisation (its officials' rights hang on it)."""
    if page.specific_class is OrganisationIndexPage:
        messages.error(request, _("This is the section of an organisation: it cannot be deleted."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def refuse_what_single_actions_refuse(request, action_type, objects, action_view):
    """The explorer's bulk actions never build the page editor's form nor call `before_delete_page`:
    they refuse here what those refuse one page at a time — deleting an organisation's section, and
    publishing a consultation whose latest version still shows an import's placeholder."""
    if action_type == "delete" and any(page.specific_class is OrganisationIndexPage for page in objects):
        messages.error(request, _("This is the section of an organisation: it cannot be deleted."))
        return redirect(action_view.next_url)
    if action_type == "publish":
        for page in objects:
            if page.specific_class is ConsultationPage and placeholders_left(
                vars(page.get_latest_revision_as_object())
            ):
                messages.error(
                    request,
                    _("“%(title)s” still shows a text the import wrote: describe it before publishing.")
                    % {"title": page.title},
                )
                return redirect(action_view.next_url)
    return None
