"""Each organisation's section of the page tree, and who has rights on it.

An organisation gets a section page under the home page (`OrganisationIndexPage`) and a Wagtail group
with the rights to add, edit, publish, lock and unlock pages in that section (`GroupPagePermission`);
its officials and editors are in that group as long as their membership lasts. Wagtail then shows
them the page explorer from their section and lets them act there only. A page of the organisation
outside its section (made under the home page before sections existed, or put there by a site editor)
carries the same rights for the same group on itself.

Kept in step by Django's model signals, heard here: an organisation saved for the first time gets its
section; a membership made or deleted (`accounts.services.membership_revoke`, an invitation accepted,
an administrator's change) adds the person to the group or takes them out, in the same transaction;
a consultation or call saved outside its section brings its rights along.
"""

import logging

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import Resolver404, get_resolver, resolve
from wagtail.models import GroupPagePermission, Page, Site
from wagtail.permissions import page_permission_policy

from accounts.models import Membership, Organisation
from consultations.models import ConsultationPage, InOrganisationSection, OrganisationIndexPage

logger = logging.getLogger(__name__)

# What the section's group may do there: not "bulk_delete" (deleting a page with its subpages).
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# The roles that work on the organisation's pages; moderators handle contributions only.
ROLES_WITH_PAGES = (Membership.Role.OFFICIAL, Membership.Role.EDITOR)


def _page_permissions():
    return Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS)


def served_by_the_page_tree(slug: str) -> bool:
    """Whether a page under the home page at `slug` would be reached: not an address of the site's
    own (/admin/, /search/), nor the start of some (/calls/…)."""
    prefixes = {str(pattern.pattern).split("/")[0] for pattern in get_resolver().url_patterns}
    try:
        return slug not in prefixes and resolve(f"/{slug}/").url_name == "wagtail_serve"
    except Resolver404:
        return False


def _free_slug(parent: Page, slug: str) -> str:
    """`slug`, or `slug-2`, `slug-3`… when a page under `parent` already has it, or when the address
    it would give the section is one of the site's own."""
    taken = set(parent.get_children().filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken or not served_by_the_page_tree(candidate):
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def section_group_name(organisation: Organisation) -> str:
    """The name of the section's group, as administrators see it in *Groups* (slugs are unique)."""
    return f"Section {organisation.slug or f'#{organisation.pk}'}"[:150]


@transaction.atomic
def organisation_section_ensure(*, organisation: Organisation) -> OrganisationIndexPage:
    """The organisation's section, made (live, under the home page of the default site, at the
    organisation's slug) with its group and rights if it has none yet; the organisation's officials and
    editors join the group. Safe to run again."""
    section = OrganisationIndexPage.objects.filter(organisation=organisation).first()
    if section is not None:
        return section
    home = Site.objects.select_related("root_page").get(is_default_site=True).root_page
    group, _created = Group.objects.get_or_create(name=section_group_name(organisation))
    section = OrganisationIndexPage(
        title=organisation.name,
        slug=_free_slug(home, organisation.slug or f"organisation-{organisation.pk}"),
        organisation=organisation,
        group=group,
    )
    # Live from the start, without a revision (as the sections the data migration made): publishing a
    # revision through Wagtail's workflow tripled the cost of creating an organisation, and a section
    # has nothing to review; its first edit in the admin makes its first revision.
    home.add_child(instance=section)
    for permission in _page_permissions():
        GroupPagePermission.objects.get_or_create(group=group, page=section, permission=permission)
    group.user_set.add(
        *Membership.objects.filter(organisation=organisation, role__in=ROLES_WITH_PAGES).values_list(
            "user", flat=True
        )
    )
    logger.info("organisation section made organisation=%s page=%s", organisation.pk, section.pk)
    return section


def section_member_sync(*, organisation_id: int, user_id: int) -> None:
    """Put the person in the section's group while they are an official or editor of the organisation,
    and take them out when they no longer are (Wagtail reads the groups again on each request)."""
    section = (
        OrganisationIndexPage.objects.filter(organisation_id=organisation_id).select_related("group").first()
    )
    if section is None:
        return
    working = Membership.objects.filter(
        organisation_id=organisation_id, user_id=user_id, role__in=ROLES_WITH_PAGES
    ).exists()
    if working:
        section.group.user_set.add(user_id)
    else:
        section.group.user_set.remove(user_id)


def page_rights_sync(*, page: InOrganisationSection) -> None:
    """Give the group of the page's organisation the section's rights on the page itself when the page
    is outside the section, and take away those of any other organisation's group."""
    section = (
        OrganisationIndexPage.objects.filter(organisation_id=page.organisation_id)
        .only("path", "group")
        .first()
    )
    outside = section is not None and not page.path.startswith(section.path)
    others = GroupPagePermission.objects.filter(page=page, group__organisation_section__isnull=False)
    if outside:
        others = others.exclude(group=section.group_id)
    others.delete()
    if outside:
        for permission in _page_permissions():
            GroupPagePermission.objects.get_or_create(
                group_id=section.group_id, page=page, permission=permission
            )


@receiver(post_save, sender=Organisation, dispatch_uid="consultations.sections.organisation")
def _organisation_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        organisation_section_ensure(organisation=instance)


@receiver(post_save, sender=Membership, dispatch_uid="consultations.sections.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="consultations.sections.membership_deleted")
def _membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        section_member_sync(organisation_id=instance.organisation_id, user_id=instance.user_id)


def _organisation_page_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # Wagtail saves a page on each draft and publication with a few columns named: its organisation
    # only changes in a full save.
    if raw or (update_fields is not None and "organisation" not in update_fields):
        return
    page_rights_sync(page=instance)


for _name, _model in (("consultation", ConsultationPage), ("call", "calls.CallPage")):
    post_save.connect(_organisation_page_saved, sender=_model, dispatch_uid=f"consultations.sections.{_name}")


def sections_open_to(user):
    """The sections where `user` may make pages (as Wagtail's page permissions decide), by name: where
    the back office's lists offer to launch a consultation or a call."""
    if not user.is_authenticated:
        return OrganisationIndexPage.objects.none()
    addable = page_permission_policy.instances_user_has_any_permission_for(user, {"add"})
    return (
        OrganisationIndexPage.objects.filter(pk__in=addable.values("pk"))
        .select_related("organisation")
        .order_by("title")
    )
