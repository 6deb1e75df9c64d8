from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class Territory(models.Model):
    """A French region, département, intercommunality (EPCI), commune or municipal arrondissement.

    Loaded from INSEE's official geographic code (`manage.py territories_load`).
    """

    class Kind(models.TextChoices):
        REGION = "region", _("region")
        DEPARTEMENT = "departement", _("département")
        EPCI = "epci", _("intercommunality")
        COMMUNE = "commune", _("commune")
        ARRONDISSEMENT = "arrondissement", _("municipal arrondissement")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("code"), max_length=10, help_text=_("INSEE code (SIREN for intercommunalities).")
    )
    name = models.CharField(_("name"), max_length=200)
    # Lower case, without accents or punctuation: what searches compare with.
    search_name = models.CharField(max_length=200, db_index=True)
    # Commune → département → région; arrondissement → commune.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    epci = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="member_communes"
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    postal_codes = models.CharField(max_length=200, blank=True)
    # What tells a commune or an arrondissement apart from its namesakes, shown after its name: its
    # département's code for a commune, its commune's name for an arrondissement. A copy of the parent's,
    # kept by `save` and `territories_load`, so that a list of territories reads no parent row.
    parent_label = models.CharField(max_length=200, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_code")]
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.parent_label})" if self.parent_label else self.name

    def save(self, *args, **kwargs):
        self.parent_label = self.parent_label_of(self.kind, self.parent)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "parent_label"}
        super().save(*args, **kwargs)

    @classmethod
    def parent_label_of(cls, kind: str, parent: "Territory | None") -> str:
        if parent is None:
            return ""
        if kind == cls.Kind.COMMUNE:
            return parent.code
        if kind == cls.Kind.ARRONDISSEMENT:
            return parent.name
        return ""


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Signs in with an e-mail address; shown publicly only by a pseudonym."""

    email = models.EmailField(_("e-mail address"), unique=True)
    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=50,
        blank=True,
        help_text=_("The name shown next to your public contributions. Your e-mail is never shown."),
    )
    # Wagtail's admin lists and forms use these; they are never shown on the public site.
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can sign in to the administration.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("The language of the e-mails we send you."),
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("commune of residence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Self-declared; some consultations are open to residents of a territory only."),
    )
    email_digest = models.BooleanField(
        _("weekly digest"),
        default=True,
        help_text=_("A weekly e-mail about the consultations you follow, when there is news."),
    )
    email_outcomes = models.BooleanField(
        _("outcome e-mails"),
        default=True,
        help_text=_("An e-mail when the outcome of a consultation you took part in is published."),
    )
    email_moderation = models.BooleanField(
        _("moderation e-mails"),
        default=True,
        help_text=_(
            "An e-mail when moderators hide one of your contributions, or decide on something you reported."
        ),
    )
    # When the last weekly digest went out (so that a task run twice sends it once).
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When we warned that the account would be deleted for inactivity.
    inactivity_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.pseudonym or _("Participant #%(id)s") % {"id": self.pk}

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.public_name

    def get_short_name(self) -> str:
        return self.first_name or self.public_name


class Organisation(models.Model):
    """A public body that runs consultations: a ministry's team, a regional lab, a city."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations", blank=True
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role inside an organisation.

    Officials launch and run the organisation's consultations and calls; its editors write them, in
    the organisation's section of the page tree (consultations/sections.py); moderators handle
    reported contributions.
    """

    class Role(models.TextChoices):
        OFFICIAL = "official", _("Official")
        MODERATOR = "moderator", _("Moderator")
        EDITOR = "editor", _("Editor")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICIAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()}"

    @property
    def is_expired(self) -> bool:
        return self.accepted_at is None and self.expires_at <= timezone.now()


class InvitationQuerySet(models.QuerySet):
    def pending(self, moment=None):
        return self.filter(accepted_at=None, expires_at__gt=moment or timezone.now())


class Invitation(models.Model):
    """An e-mailed, expiring, single-use invitation to join an organisation in a role.

    Only a hash of the token is stored: the link in the e-mail is the only copy of the token.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set once the e-mail is sent: a task delivered twice sends it once.
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()}"

    @property
    def is_expired(self) -> bool:
        return self.accepted_at is None and self.expires_at <= timezone.now()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None)


class ApiToken(models.Model):
    """A personal token with which a partner's app or a mobile client acts for its owner (the API).

    Only a hash is stored: the token is shown once, when it is made. Its prefix, kept in clear, lets
    the person tell their tokens apart and lets the server find the row without scanning every hash.
    """

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_api_tokens"
    )
    label = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.label} ({self.prefix}…)"
