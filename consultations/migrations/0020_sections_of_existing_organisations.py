"""A section for each organisation made before sections existed (as consultations/sections.py makes
one for a new organisation): a page under the home page, a group with rights on it, the organisation's
officials and editors in the group. Existing consultations and calls are not moved (their addresses
would change): the group gets the same rights on each of them where it stands."""

from django.db import migrations
from django.urls import Resolver404, get_resolver, resolve
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # Wagtail's page tree: 4 characters of base 36 a level
STEP = 4
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def _next_child_path(Page, parent) -> str:
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    number = 0
    if last is not None:
        for character in last.path[-STEP:]:
            number = number * len(ALPHABET) + ALPHABET.index(character)
        number += 1
    step = ""
    for _position in range(STEP):
        number, digit = divmod(number, len(ALPHABET))
        step = ALPHABET[digit] + step
    return parent.path + step


def _served_by_the_page_tree(slug: str) -> bool:
    """As sections.served_by_the_page_tree: not an address of the site's own, nor the start of some."""
    prefixes = {str(pattern.pattern).split("/")[0] for pattern in get_resolver().url_patterns}
    try:
        return slug not in prefixes and resolve(f"/{slug}/").url_name == "wagtail_serve"
    except Resolver404:
        return False


def create_sections(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Membership = apps.get_model("accounts", "Membership")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    OrganisationIndexPage = apps.get_model("consultations", "OrganisationIndexPage")
    ConsultationPage = apps.get_model("consultations", "ConsultationPage")
    CallPage = apps.get_model("calls", "CallPage")

    organisations = Organisation.objects.filter(section=None).order_by("pk")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or not organisations.exists():
        return
    home = Page.objects.get(pk=site.root_page_id)
    page_type, _ = ContentType.objects.get_or_create(app_label="consultations", model="organisationindexpage")
    wagtail_page, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    permissions = [
        Permission.objects.get_or_create(content_type=wagtail_page, codename=codename, defaults={"name": codename})[0]
        for codename in PAGE_PERMISSIONS
    ]
    now = timezone.now()
    for organisation in organisations:
        # As sections.section_group_name and organisation_section_ensure.
        group, _ = Group.objects.get_or_create(name=f"Section {organisation.slug or f'#{organisation.pk}'}"[:150])
        base = organisation.slug or f"organisation-{organisation.pk}"
        slug, number = base, 1
        while (
            Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug=slug).exists()
            or not _served_by_the_page_tree(slug)
        ):
            number += 1
            slug = f"{base}-{number}"
        section = OrganisationIndexPage.objects.create(
            title=organisation.name,
            draft_title=organisation.name,
            slug=slug,
            content_type=page_type,
            path=_next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            locale_id=home.locale_id,
            organisation=organisation,
            group=group,
            introduction="",
        )
        home.numchild += 1
        home.save(update_fields=["numchild"])
        pages = [section.pk]
        pages += ConsultationPage.objects.filter(organisation=organisation).values_list("pk", flat=True)
        pages += CallPage.objects.filter(organisation=organisation).values_list("pk", flat=True)
        for page_id in pages:
            for permission in permissions:
                GroupPagePermission.objects.get_or_create(group=group, page_id=page_id, permission=permission)
        members = Membership.objects.filter(organisation=organisation, role__in=("official", "editor"))
        group.user_set.add(*members.values_list("user", flat=True))


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0019_organisation_sections"),
        ("calls", "0007_evaluator_invitation"),
        ("cms", "0011_statement_established_on"),
    ]

    operations = [migrations.RunPython(create_sections, migrations.RunPython.noop)]
