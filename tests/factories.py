import time
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Membership, Organisation, Territory, User
from accounts.territories import search_key
from cms.models import HomePage
from consultations.models import ConsultationPage

PASSWORD = "correct-horse-battery-staple"
# The two-factor secret of every staff account made by these factories (base32).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app would show now, and still show when the server checks it: close to
    the end of its period (no tolerance is configured), wait for the next code as a person would."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


QUESTIONS = [
    {
        "type": "single_choice",
        "value": {
            "label": "Combien de jours télétravaillez-vous ?",
            "help_text": "",
            "required": True,
            "choices": ["Aucun", "Un", "Deux ou plus"],
        },
    },
    {
        "type": "open_text",
        "value": {"label": "Que faudrait-il changer ?", "help_text": "", "required": True, "max_length": 200},
    },
]


# One question of every kind, in two sections: what `questionnaire_data` fills in.
EVERY_KIND = [
    {"type": "section", "value": {"heading": "Vos trajets", "intro": "Pour comprendre vos déplacements."}},
    {
        "type": "short_text",
        "value": {"label": "Votre commune de travail", "help_text": "", "required": True, "max_length": 50},
    },
    {
        "type": "single_choice",
        "value": {
            "label": "Comment venez-vous ?",
            "help_text": "",
            "required": True,
            "choices": ["À pied", "En bus"],
            "allow_other": True,
        },
    },
    {
        "type": "multiple_choice",
        "value": {
            "label": "Quels équipements utilisez-vous ?",
            "help_text": "",
            "required": True,
            "choices": ["Écran", "Casque", "Clavier"],
            "allow_other": True,
            "min_choices": 1,
            "max_choices": 2,
        },
    },
    {"type": "yes_no", "value": {"label": "Télétravaillez-vous ?", "help_text": "", "required": True}},
    {"type": "section", "value": {"heading": "Votre avis", "intro": ""}},
    {
        "type": "scale",
        "value": {
            "label": "Êtes-vous satisfait ?",
            "help_text": "",
            "required": True,
            "scale_min": "1",
            "scale_max": 5,
            "min_label": "Pas du tout",
            "max_label": "Tout à fait",
        },
    },
    {
        "type": "ranking",
        "value": {
            "label": "Classez vos priorités",
            "help_text": "",
            "required": True,
            "choices": ["Équipement", "Horaires", "Formation"],
        },
    },
    {
        "type": "number",
        "value": {
            "label": "Distance domicile-travail (km)",
            "help_text": "",
            "required": False,
            "min_value": "0",
            "max_value": "500",
            "decimals": True,
        },
    },
    {
        "type": "open_text",
        "value": {"label": "Autre chose ?", "help_text": "", "required": False, "max_length": 200},
    },
]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class TerritoryFactory(factory.django.DjangoModelFactory):
    """A commune (by default) of a made-up referential; `build_batch` then `bulk_create` for thousands."""

    class Meta:
        model = Territory

    kind = Territory.Kind.COMMUNE
    code = factory.Sequence(lambda n: f"{n % 100_000:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda territory: search_key(territory.name))
    # What `Territory.save` stores; set here too for `bulk_create`, which does not call it.
    parent_label = factory.LazyAttribute(
        lambda territory: Territory.parent_label_of(territory.kind, territory.parent)
    )
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    """A participant whose e-mail address is confirmed."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    pseudonym = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            if extracted is not False:
                EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def two_factor(self, create, extracted, **kwargs):
        """Staff get a TOTP authenticator (required for the back office) unless told otherwise."""
        if create and (self.is_staff or self.is_superuser) and extracted is not False:
            TOTP.activate(self, TOTP_SECRET)


class AdministratorFactory(UserFactory):
    is_staff = True
    is_superuser = True


class OfficialFactory(UserFactory):
    """A staff member of an organisation, who reads its reports in the back office."""

    is_staff = True

    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):
        if create:
            _join(self, extracted, Membership.Role.OFFICIAL, "Officials")


class EditorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def editor_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Editors"))


def consultation_create(
    *,
    organisation=None,
    title="Consultation sur le télétravail",
    opens_in=timedelta(days=-1),
    closes_in=timedelta(days=10),
    questions=None,
    publish=True,
    parent=None,
    **fields,
) -> ConsultationPage:
    """A consultation under the home page (or `parent`, such as its organisation's section), published
    unless asked otherwise, re-read from the database."""
    now = timezone.now()
    home = HomePage.objects.get()
    page = ConsultationPage(
        title=title,
        organisation=organisation or OrganisationFactory(),
        introduction="<p>Ce qui est en jeu.</p>",
        decision_at_stake="Le nombre de jours de télétravail, décidé par la direction en juin.",
        what_can_change="Le nombre de jours et l’équipement ; le principe du télétravail est acquis.",
        use_of_contributions="Une synthèse publiée ici à la clôture, avec les décisions et leurs raisons.",
        opens_at=now + opens_in,
        closes_at=now + closes_in,
        questions=questions or QUESTIONS,
        **fields,
    )
    (parent or home).add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    else:
        page.unpublish()
    return ConsultationPage.objects.get(pk=page.pk)


def form_data(consultation: ConsultationPage, *, choice: int = 0, text: str = "Plus d’écrans.") -> dict:
    """The POST data of the questionnaire of `consultation_create`'s default questions."""
    single, open_text = consultation.question_list[:2]
    return {f"q_{single.id}": single.choices[choice][0], f"q_{open_text.id}": text}


def questionnaire_data(consultation: ConsultationPage, **changes) -> dict:
    """The POST data of a complete answer to the `EVERY_KIND` questionnaire; `changes` replace or, when
    None, remove fields (by key of the names below)."""
    short, single, multiple, yes_no, scale, ranking, number, long = consultation.question_list
    first, second, third = (choice_id for choice_id, _label in ranking.choices)
    fields = {
        "short": {f"q_{short.id}": "Lyon"},
        "single": {f"q_{single.id}": single.choices[1][0]},
        "multiple": {f"q_{multiple.id}": [multiple.choices[0][0], "other"]},
        "multiple_other": {f"q_{multiple.id}_other": "Une souris"},
        "yes_no": {f"q_{yes_no.id}": "yes"},
        "scale": {f"q_{scale.id}": "4"},
        "ranking": {
            f"q_{ranking.id}_{second}": "1",
            f"q_{ranking.id}_{third}": "2",
            f"q_{ranking.id}_{first}": "3",
        },
        "number": {f"q_{number.id}": "12.5"},
        "long": {f"q_{long.id}": "Merci."},
    }
    data = {}
    for key, value in fields.items():
        if key in changes:
            value = changes[key]
        if value is not None:
            data.update(value)
    return data


class ModeratorFactory(UserFactory):
    """A moderator of an organisation, with back-office access to the moderation queue."""

    is_staff = True

    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):
        if create:
            _join(self, extracted, Membership.Role.MODERATOR, "Contribution moderators")


class OrganisationEditorFactory(UserFactory):
    """An editor of an organisation: writes and publishes its pages, in its section of the page tree."""

    is_staff = True

    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):
        if create:
            _join(self, extracted, Membership.Role.EDITOR, "Organisation editors")


def _join(user, organisation, role, group):
    """Make `user` a member of `organisation` (a new one if None) in `role`, in its back-office group."""
    Membership.objects.create(user=user, organisation=organisation or OrganisationFactory(), role=role)
    user.groups.add(Group.objects.get(name=group))


def outcome_create(
    consultation: ConsultationPage,
    *,
    title="Ce que vous nous avez dit",
    snapshot=None,
    body=(),
    decisions=None,
    publish=True,
    **fields,
):
    """An outcome page of `consultation` under the home page (published unless asked otherwise), with its
    three sections: what we heard (`body`), what we decided and why (`decisions`), what happens next."""
    from cms.models import OutcomePage

    page = OutcomePage(
        title=title,
        consultation=consultation,
        report_version=snapshot,
        summary=fields.pop("summary", "Une majorité télétravaille deux jours."),
        body=list(body),
        decisions=decisions or [{"type": "paragraph", "value": "<p>Deux jours par semaine.</p>"}],
        next_steps=fields.pop("next_steps", "<p>Mise en œuvre en septembre.</p>"),
        **fields,
    )
    HomePage.objects.get().add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    else:
        page.unpublish()
    return page


def person_in_role(role: str, organisation):
    """Someone in `role` towards `organisation`, for the permission matrices of every app: anonymous,
    unverified, participant (or author), official, official_elsewhere, moderator, editor (of the site),
    organisation_editor, administrator."""
    from django.contrib.auth.models import AnonymousUser

    match role:
        case "anonymous":
            return AnonymousUser()
        case "unverified":
            return UserFactory(verified=False)
        case "participant" | "author":
            return UserFactory()
        case "official":
            return OfficialFactory(organisation=organisation)
        case "official_elsewhere":
            return OfficialFactory(organisation=OrganisationFactory())
        case "moderator":
            return ModeratorFactory(organisation=organisation)
        case "editor":
            return EditorFactory()
        case "organisation_editor":
            return OrganisationEditorFactory(organisation=organisation)
        case "administrator":
            return AdministratorFactory()
    raise AssertionError(role)
