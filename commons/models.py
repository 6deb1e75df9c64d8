"""The initiatives commons: selected initiatives published for other territories to find and reuse."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from accounts.models import User


class Licence(models.TextChoices):
    """Open licences, with the SPDX identifiers that open-data portals use."""

    ETALAB_2_0 = "etalab-2.0", _("Licence Ouverte 2.0 (Etalab)")
    CC_BY_4_0 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY)")
    CC_BY_SA_4_0 = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA)")
    OTHER = "other", _("Other licence")


class Scale(models.TextChoices):
    """The level at which the initiative is run."""

    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITY = "intercommunality", _("Intercommunality")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Region")
    NATIONAL = "national", _("National")


class InitiativeTheme(TaggedItemBase):
    """A theme (tag) of an initiative; themes are free words shared with the site's other tags."""

    content_object = ParentalKey("Initiative", on_delete=models.CASCADE, related_name="tagged_themes")


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Initiative(index.Indexed, ClusterableModel):
    """A selected initiative published as a commons: what it is, under which licence, where, who to ask."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Its address in the catalogue; made from the title when left empty."),
    )
    description = models.TextField(_("description"), max_length=10_000)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.ETALAB_2_0
    )
    licence_other = models.CharField(
        _("other licence"),
        max_length=300,
        blank=True,
        help_text=_("For “Other licence”: its name and, if it has one, the address of its text."),
    )
    territory = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the initiative was born (INSEE code referential)."),
    )
    scale = models.CharField(_("scale"), max_length=20, choices=Scale.choices, default=Scale.COMMUNE)
    contact = models.CharField(
        _("public contact"),
        max_length=300,
        help_text=_(
            "A service's address, a generic mailbox or a web page — not a person's own e-mail address, "
            "unless they agreed to its publication (tick the box below)."
        ),
    )
    contact_is_personal = models.BooleanField(
        _("the contact is a person's own address, and they agreed to its publication"), default=False
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="initiatives",
        help_text=_("The public body that publishes this initiative in the catalogue."),
    )
    themes = ClusterTaggableManager(
        verbose_name=_("themes"), through=InitiativeTheme, blank=True, help_text=_("Words to find it by.")
    )
    project = models.OneToOneField(
        "calls.Project",
        verbose_name=_("selected project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiative",
        help_text=_("The dossier selected in a call that this initiative comes from, if any."),
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown in the public catalogue.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    # Found by the site search (search/) once published.
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("description"),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.FilterField("id"),
    ]

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("organisation"),
        FieldPanel("description"),
        FieldPanel("themes"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("territory"), FieldPanel("scale")])],
            heading=_("Where"),
        ),
        MultiFieldPanel([FieldPanel("licence"), FieldPanel("licence_other")], heading=_("Licence")),
        InlinePanel("links", heading=_("Documentation links"), label=_("Link")),
        MultiFieldPanel([FieldPanel("contact"), FieldPanel("contact_is_personal")], heading=_("Contact")),
        FieldPanel("published"),
    ]

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(licence="other") | ~models.Q(licence_other=""),
                name="initiative_other_licence_named",
            )
        ]

    def __str__(self):
        return self.title

    @classmethod
    def get_indexed_objects(cls):
        return cls.objects.published()

    def get_absolute_url(self):
        return reverse("commons_initiative_detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.licence == Licence.OTHER and not self.licence_other.strip():
            raise ValidationError({"licence_other": _("Name the licence.")})
        if self.licence != Licence.OTHER:
            self.licence_other = ""
        if not self.contact_is_personal and _is_account_address(self.contact):
            raise ValidationError(
                {
                    "contact": _(
                        "This is the e-mail address of a person's account. Give a service's address or a "
                        "web page, or tick the box if this person agreed to its publication."
                    )
                }
            )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = _unique_slug(self.title, exclude=self.pk)
        super().save(*args, **kwargs)

    @property
    def licence_label(self) -> str:
        return self.licence_other if self.licence == Licence.OTHER else self.get_licence_display()


def _is_account_address(contact: str) -> bool:
    """Whether `contact` holds the e-mail address of someone's account (personal data, by default)."""
    addresses = [word.strip("<>()[],;:") for word in contact.split() if "@" in word]
    if not addresses:
        return False
    same = models.Q()
    for address in addresses:
        same |= models.Q(email__iexact=address)
    return User.objects.filter(same).exists()


def _unique_slug(title: str, *, exclude=None) -> str:
    base = slugify(title)[:90] or "initiative"
    slug, number = base, 1
    taken = Initiative.objects.exclude(pk=exclude) if exclude else Initiative.objects.all()
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


class InitiativeLink(Orderable):
    """A link to the initiative's documentation: a guide, a repository, a report."""

    initiative = ParentalKey(Initiative, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("documentation link")
        verbose_name_plural = _("documentation links")

    def __str__(self):
        return self.title


class Reuse(models.Model):
    """Someone declared "we reuse this here": an initiative reused in a territory."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="reuses")
    # Kept, without its author, when the person deletes their account.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="initiative_reuses"
    )
    territory = models.ForeignKey(
        "accounts.Territory", verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "person", "territory"], name="reuse_once_per_person_and_territory"
            )
        ]

    def __str__(self):
        return f"{self.initiative_id} → {self.territory_id}"
