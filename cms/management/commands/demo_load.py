"""Load the French demo content: an organisation, staff accounts, a consultation on remote work with
answers, a compiled report and a published outcome page. Running it twice creates nothing twice."""

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from calls.demo import demo_call_load
from cms.demo.calls import demo_budget_load, demo_jury_call_load
from cms.demo.closed import demo_closed_load
from cms.demo.commons import demo_commons_load, demo_place
from cms.demo.people import DEMO_DOMAIN, demo_member, demo_person
from cms.models import (
    AccessibilityStatementPage,
    ContactPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OutcomePage,
    SitemapPage,
    SiteSettings,
    StandardPage,
)
from consultations.blocks import OTHER
from consultations.models import ConsultationPage
from consultations.services.comments import comment_post
from consultations.services.ideas import idea_answer, idea_submit, idea_support_set
from consultations.services.responses import response_submit
from consultations.services.statements import statement_submit, vote_cast
from reports.services import report_compile

CONSULTATION_SLUG = "teletravail-services-publics"
OUTCOME_SLUG = "teletravail-bilan-etape"

INTRODUCTION = """
<p>Depuis la crise sanitaire, le télétravail s’est installé dans de nombreux services publics.
La direction souhaite savoir ce qui fonctionne, ce qui freine, et ce qu’il faut changer dans le
prochain accord-cadre sur le travail à distance.</p>
<h2>Ce qui peut changer</h2>
<ul><li>le nombre de jours de télétravail possibles par semaine ;</li>
<li>l’équipement fourni aux agents ;</li>
<li>l’organisation de l’accueil des usagers les jours de télétravail.</li></ul>
<h2>Ce que nous ferons de vos contributions</h2>
<p>Une synthèse sera publiée sur cette plateforme à la clôture, avec les décisions prises
et leurs raisons.</p>
"""

QUESTIONS = [
    {
        "type": "section",
        "value": {
            "heading": "Votre télétravail aujourd’hui",
            "intro": "Trois questions sur votre situation.",
        },
    },
    {
        "type": "single_choice",
        "value": {
            "label": "Combien de jours par semaine télétravaillez-vous aujourd’hui ?",
            "help_text": "En moyenne sur le dernier mois.",
            "required": True,
            "choices": ["Aucun", "Un jour", "Deux jours", "Trois jours ou plus"],
        },
    },
    {
        "type": "single_choice",
        "value": {
            "label": "Le télétravail a-t-il changé la qualité du service rendu aux usagers ?",
            "help_text": "",
            "required": True,
            "choices": ["Il l’a améliorée", "Il ne l’a pas changée", "Il l’a dégradée", "Je ne sais pas"],
        },
    },
    {
        "type": "open_text",
        "value": {
            "label": "Qu’est-ce qui devrait changer en priorité ?",
            "help_text": "Équipement, organisation, management, accueil des usagers…",
            "required": True,
            "max_length": 2000,
        },
    },
    {
        "type": "open_text",
        "value": {
            "label": "Souhaitez-vous ajouter autre chose ?",
            "help_text": "",
            "required": False,
            "max_length": 2000,
        },
    },
    {
        "type": "section",
        "value": {
            "heading": "Pour aller plus loin",
            "intro": "Ces questions nous aident à fixer les priorités du prochain accord.",
        },
    },
    {
        "type": "short_text",
        "value": {
            "label": "Dans quel service travaillez-vous ?",
            "help_text": "",
            "required": False,
            "max_length": 100,
        },
    },
    {
        "type": "yes_no",
        "value": {"label": "Encadrez-vous une équipe ?", "help_text": "", "required": True},
    },
    {
        "type": "multiple_choice",
        "value": {
            "label": "Quel équipement vous manque-t-il à la maison ?",
            "help_text": "Deux réponses au plus.",
            "required": False,
            "choices": ["Un second écran", "Un siège adapté", "Un casque", "Une meilleure connexion"],
            "allow_other": True,
            "min_choices": None,
            "max_choices": 2,
        },
    },
    {
        "type": "scale",
        "value": {
            "label": "Êtes-vous satisfait de l’organisation actuelle du télétravail ?",
            "help_text": "",
            "required": True,
            "scale_min": "1",
            "scale_max": 5,
            "min_label": "Pas du tout satisfait",
            "max_label": "Très satisfait",
        },
    },
    {
        "type": "ranking",
        "value": {
            "label": "Classez ces chantiers par ordre de priorité",
            "help_text": "",
            "required": True,
            "choices": [
                "L’équipement",
                "Le nombre de jours",
                "La formation des encadrants",
                "L’accueil des usagers",
            ],
        },
    },
    {
        "type": "number",
        "value": {
            "label": "Combien de kilomètres vous séparent de votre lieu de travail ?",
            "help_text": "Une estimation suffit.",
            "required": False,
            "min_value": "0",
            "max_value": "1000",
            "decimals": True,
        },
    },
]

PRIVACY_NOTICE = """
<h2>Qui traite vos données</h2>
<p>Chaque consultation indique l’organisme responsable du traitement, la finalité, la base légale et
la durée pendant laquelle vos réponses restent liées à votre compte.</p>
<h2>Ce que nous conservons</h2>
<p>Votre adresse e-mail, votre pseudonyme, votre langue et, si vous l’indiquez, votre commune de
résidence. Aucune adresse IP n’est conservée ; aucun traceur, aucune police ni aucun script de tiers.</p>
<h2>Vos droits</h2>
<p>Depuis « Mon compte », vous pouvez consulter et modifier vos informations, télécharger toutes vos
données et supprimer votre compte : vos contributions restent, sans lien avec vous. Un compte inutilisé
pendant trois ans est supprimé après un avertissement. Vous pouvez saisir la CNIL (cnil.fr).</p>
"""

LEGAL_NOTICE = """
<h2>Éditeur</h2>
<p>Direction de la transformation publique (démo). Directrice de la publication : la directrice de la
transformation publique.</p>
<h2>Hébergement</h2>
<p>Le nom, l’adresse et le téléphone de l’hébergeur figurent ici.</p>
<h2>Logiciel</h2>
<p>Ce site utilise Concerto, logiciel libre sous licence GNU AGPL 3.0 ou ultérieure.</p>
"""

HELP = """
<h2>Participer à une consultation</h2>
<p>Créez un compte avec votre adresse e-mail, confirmez-la, puis ouvrez une consultation en cours depuis
l’accueil. Vous pouvez modifier vos réponses jusqu’à la clôture.</p>
<h2>Naviguer au clavier</h2>
<p>Le premier lien de chaque page, « Aller au contenu », mène directement au contenu principal. Tous les
formulaires se remplissent au clavier.</p>
"""

NEWS = [
    (
        "La consultation sur le télétravail est ouverte",
        "Agents des services publics, donnez votre avis sur le prochain accord-cadre.",
        [
            {"type": "paragraph", "value": "<p>La consultation reste ouverte un mois.</p>"},
            {
                "type": "other_language",
                "value": {
                    "language": "en",
                    "text": "<p>The consultation is open to all public-service staff for one month.</p>",
                },
            },
        ],
    ),
    (
        "Un premier bilan publié",
        "Trois semaines après l’ouverture, un bilan d’étape présente les premières réponses.",
        [{"type": "paragraph", "value": "<p>Le bilan complet suivra la clôture.</p>"}],
    ),
]


def demo_image():
    """A small generated picture for the demo news (no file shipped with the code)."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from wagtail.images.models import Image

    existing = Image.objects.filter(title="Poste de travail (démo)").first()
    if existing:
        return existing
    picture = PillowImage.new("RGB", (800, 450), (31, 79, 163))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return Image.objects.create(
        title="Poste de travail (démo)", file=ImageFile(buffer, name="poste-de-travail.png")
    )


PRIORITIES = [
    "Un deuxième écran et un siège correct à la maison.",
    "Des règles claires sur les jours de présence commune dans l’équipe.",
    "Une meilleure connexion au réseau interne, le VPN coupe souvent.",
    "Garder un accueil physique des usagers tous les jours ouvrés.",
    "Former les encadrants au management à distance.",
    "Pouvoir télétravailler un jour de plus en période de grève des transports.",
    "Des salles de réunion équipées pour les réunions hybrides.",
]

STATEMENTS = [
    "Deux jours de télétravail par semaine, c’est le bon équilibre.",
    "Le télétravail devrait être possible dès la première année en poste.",
    "Les réunions hybrides fatiguent plus que les réunions sur place.",
    "L’accueil des usagers doit rester assuré en personne tous les jours.",
    "Les encadrants ont besoin d’une formation au management à distance.",
]

IDEAS = [
    (
        "Un second écran pour chaque agent en télétravail",
        "Prêter un écran et un clavier, avec un bon de retour.",
    ),
    (
        "Des jours de présence commune fixés par équipe",
        "Un jour par semaine où toute l’équipe est sur place.",
    ),
    (
        "Un espace de coworking public dans chaque sous-préfecture",
        "Pour éviter l’isolement sans trajet long.",
    ),
]

PSEUDONYMS = [
    "Camille",
    "Yanis",
    "Léa",
    "Mathis",
    "Inès",
    "Hugo",
    "Chloé",
    "Nassim",
    "Manon",
    "Théo",
    "Sarah",
    "Lucas",
    "Jade",
    "Enzo",
    "Lina",
    "Noé",
    "Zoé",
    "Adam",
    "Louise",
    "Rayan",
    "Emma",
    "Malik",
    "Alice",
    "Gabriel",
]


COMMENTS = [
    "Oui, et il faudrait aussi prévoir un casque : les bureaux partagés sont bruyants.",
    "Le budget serait mieux employé à équiper les sites de visioconférence.",
    "Les deux ne s’opposent pas : on peut commencer par les agents qui télétravaillent le plus.",
    "D’accord, à condition que les réunions restent possibles en présentiel.",
]
IDEA_ANSWERS = [
    (
        "accepted",
        "Retenu : chaque équipe fixera son jour de présence commune dans l’accord-cadre, à partir de "
        "septembre.",
    ),
    (
        "rejected",
        "Nous ne le retenons pas : les sous-préfectures manquent de locaux libres. Les espaces de "
        "coworking existants pourront être conventionnés au cas par cas.",
    ),
]
MORE_NEWS = [
    (
        "actualite-3",
        "Budget participatif : le vote est ouvert",
        "Six projets d’habitants sont soumis au vote : choisissez-en jusqu’à trois d’ici trois semaines.",
        [
            {
                "type": "paragraph",
                "value": "<p>Bancs et arbres sur les berges, atelier vélo, boîtes à livres : les services "
                "ont vérifié que chaque projet était faisable dans l’année. Tous les habitants peuvent "
                "voter, sans condition d’âge, en ligne ou sur papier en mairie.</p>",
            }
        ],
    ),
    (
        "actualite-4",
        "Dix initiatives locales à reprendre chez vous",
        "Cantine en régie, rue aux écoles, outilthèque : le catalogue des communs s’enrichit.",
        [
            {
                "type": "paragraph",
                "value": "<p>Chaque initiative est publiée sous licence ouverte, avec ses documents et un "
                "contact. Déclarez-la si vous la reprenez : d’autres territoires verront où elle "
                "essaime.</p>",
            }
        ],
    ),
]
IDEA_ANSWER = (
    "Nous chiffrons l’équipement avec la direction des achats ; réponse en conseil de direction de juin."
)


class Command(BaseCommand):
    help = "Load the French demo content (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo content is for development machines, not production.")
        with transaction.atomic():
            organisation, _ = Organisation.objects.get_or_create(
                slug="dtp-demo", defaults={"name": "Direction de la transformation publique (démo)"}
            )
            metropole, _ = Organisation.objects.get_or_create(
                slug="metropole-demo", defaults={"name": "Métropole de Val-Rivière (démo)"}
            )
            admin = demo_person("admin@concerto.localhost", "Administration", superuser=True)
            official = demo_person(f"agente@{DEMO_DOMAIN}", "Agente de la DTP", staff=True)
            Membership.objects.get_or_create(
                organisation=organisation, user=official, role=Membership.Role.OFFICIAL
            )
            official.groups.add(Group.objects.get(name="Officials"))
            metropole_official = demo_person(
                f"agent-metropole@{DEMO_DOMAIN}", "Agent de la métropole", staff=True
            )
            demo_member(metropole_official, metropole, Membership.Role.OFFICIAL)
            editor = demo_person(f"redaction@{DEMO_DOMAIN}", "Rédaction", staff=True)
            editor.groups.add(Group.objects.get(name="Editors"))
            moderator = demo_person(f"moderation@{DEMO_DOMAIN}", "Modération", staff=True)
            for each in (organisation, metropole):
                demo_member(moderator, each, Membership.Role.MODERATOR)

            home = HomePage.objects.first()
            if home is None:
                raise CommandError("The home page is missing: run `manage.py migrate` first.")
            consultation = self._consultation(home, organisation)

        with transaction.atomic():
            self._responses(consultation)
            self._statements_and_ideas(consultation)
        snapshot = report_compile(consultation=consultation) or consultation.report_snapshots.first()
        with transaction.atomic():
            self._outcome(home, consultation, snapshot)
            self._privacy_page(home)
            self._site_pages(home)
        with transaction.atomic():
            demo_call_load(
                home=home,
                organisation=organisation,
                official=official,
                applicant_password=settings.DEMO_PASSWORD,
            )
        participants = list(
            User.objects.filter(email__startswith="participant", email__endswith=f"@{DEMO_DOMAIN}").order_by(
                "email"
            )
        )
        evaluator = demo_person(f"evaluatrice@{DEMO_DOMAIN}", "Évaluatrice")
        applicants = [
            demo_person(f"porteur{number}@{DEMO_DOMAIN}", f"Porteur {number}") for number in (1, 2, 3)
        ]
        with transaction.atomic():
            demo_jury_call_load(
                home=home,
                organisation=metropole,
                official=metropole_official,
                evaluator=evaluator,
                applicants=applicants,
            )
        with transaction.atomic():
            vote_call, _vote = demo_budget_load(
                home=home,
                organisation=metropole,
                official=metropole_official,
                applicants=applicants,
                voters=participants[:18],
                communes=[demo_place(code) for code in ("37261", "45234", "86194")],
            )
        closed = demo_closed_load(home=home, organisation=metropole, vote_call=vote_call)
        if closed is None:
            self.stderr.write("The Pol.is conversation was not found: the demo has no closed consultation.")
        with transaction.atomic():
            demo_commons_load(
                organisation=organisation, contact=f"communs@{DEMO_DOMAIN}", people=participants
            )
            self._news(home)

        password = settings.DEMO_PASSWORD
        accounts = [
            ("Administrator", admin, "all rights, back office"),
            ("Official", official, organisation.name),
            ("Official", metropole_official, metropole.name),
            ("Editor", editor, "pages and news"),
            ("Moderator", moderator, "statements, ideas and comments of both organisations"),
            ("Evaluator", evaluator, "dossiers of the calls for projects"),
            *[("Applicant", applicant, "dossiers in the calls") for applicant in applicants],
            *[("Participant", person, "") for person in participants[:3]],
        ]
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        self.stdout.write(
            "\n  Site:            http://127.0.0.1:8000/\n  Administration:  http://127.0.0.1:8000/admin/\n"
        )
        for role, user, what in accounts:
            self.stdout.write(
                f"  {role + ':':<16} {user.email} / {password}" + (f"  ({what})" if what else "")
            )
        self.stdout.write(
            f"  {'Participants:':<16} participant01 to participant{len(participants):02d}@{DEMO_DOMAIN} / "
            f"{password} (answered, voted, proposed ideas; participant01 to participant18 cast a ballot)"
        )
        if settings.MFA_TOTP_INSECURE_BYPASS_CODE:
            self.stdout.write(
                f"  Two-factor code: {settings.MFA_TOTP_INSECURE_BYPASS_CODE} (development only)\n"
            )
        else:
            self.stdout.write(
                "  Staff accounts (administrator, officials, editor, moderator) sign in with a two-factor "
                "code: start the server with MFA_DEV_BYPASS_CODE=000000 (as `make run` does) and type it.\n"
            )

    def _consultation(self, home, organisation) -> ConsultationPage:
        existing = ConsultationPage.objects.filter(slug=CONSULTATION_SLUG).first()
        if existing:
            return existing
        now = timezone.now()
        page = ConsultationPage(
            title="Le télétravail dans les services publics après la crise",
            slug=CONSULTATION_SLUG,
            organisation=organisation,
            introduction=INTRODUCTION.strip(),
            decision_at_stake=(
                "Le prochain accord-cadre sur le travail à distance, signé par la direction en mars, après "
                "concertation avec les représentants du personnel."
            ),
            what_can_change=(
                "Le nombre de jours possibles par semaine, l’équipement fourni et l’organisation de "
                "l’accueil. Le principe du télétravail volontaire est acquis."
            ),
            use_of_contributions=(
                "Les réponses sont compilées en synthèse pour la direction ; un bilan publié ici dira ce "
                "qui a été retenu et pourquoi, au plus tard un mois après la clôture."
            ),
            opens_at=now - timedelta(days=21),
            closes_at=now + timedelta(days=30),
            questions=QUESTIONS,
            statements_enabled=True,
            ideas_enabled=True,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        # Re-read the page so that the questionnaire carries the block ids it was stored with.
        return ConsultationPage.objects.get(pk=page.pk)

    def _responses(self, consultation):
        questions = consultation.question_list
        days, quality, priority, other = questions[:4]
        # A demo loaded before these questions existed keeps its four: the rest is then skipped.
        extra = questions[4:] if len(questions) == 10 else None
        generator = random.Random(2026)  # noqa: S311 — demo data, not security
        for index, pseudonym in enumerate(PSEUDONYMS, start=1):
            participant = demo_person(f"participant{index:02d}@{DEMO_DOMAIN}", pseudonym)
            if consultation.responses.filter(participant=participant).exists():
                continue
            answers = {
                days.id: generator.choices([c for c, _ in days.choices], weights=[2, 5, 8, 4])[0],
                quality.id: generator.choices([c for c, _ in quality.choices], weights=[7, 9, 4, 3])[0],
                priority.id: generator.choice(PRIORITIES),
            }
            if index % 4 == 0:
                answers[other.id] = "Merci de nous consulter, c’est une première dans mon service."
            if extra:
                answers.update(self._more_answers(extra, index, generator))
            response_submit(consultation=consultation, participant=participant, answers=answers)

    def _more_answers(self, questions, index, generator) -> dict:
        """Answers to the demo's question of each further kind (text, yes/no, multiple, scale, ranking,
        number), in the shapes `ResponseForm.answers()` gives."""
        service, manager, equipment, satisfaction, ranking, distance = questions
        answers = {
            manager.id: "yes" if index % 5 == 0 else "no",
            satisfaction.id: Decimal(generator.choices([1, 2, 3, 4, 5], weights=[1, 3, 6, 8, 3])[0]),
            ranking.id: generator.sample(
                [choice_id for choice_id, _ in ranking.choices], k=len(ranking.choices)
            ),
        }
        if index % 3:
            answers[service.id] = generator.choice(
                ["Accueil", "Ressources humaines", "Informatique", "Finances"]
            )
        if index % 2:
            picked = generator.sample([choice_id for choice_id, _ in equipment.choices], k=1 + index % 2)
            answers[equipment.id] = picked if index % 7 else [picked[0], (OTHER, "Une imprimante")]
        if index % 4 != 1:
            answers[distance.id] = Decimal(generator.randint(2, 600)) / 10
        return answers

    def _statements_and_ideas(self, consultation):
        if consultation.statements.exists():
            return
        participants = list(
            User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_staff=False).order_by("email")
        )
        generator = random.Random(44)  # noqa: S311 — demo data, not security
        statements = [
            statement_submit(consultation=consultation, author=participants[index], text=text)
            for index, text in enumerate(STATEMENTS)
        ]
        for participant in participants:
            for statement in statements:
                if statement.author_id != participant.pk and generator.random() < 0.8:
                    vote_cast(
                        statement=statement, participant=participant, value=generator.choice([1, 1, -1, 0])
                    )
        ideas = []
        for index, (title, text) in enumerate(IDEAS):
            idea = idea_submit(
                consultation=consultation, author=participants[-1 - index], title=title, text=text
            )
            ideas.append(idea)
            for supporter in participants[: 12 - 4 * index]:
                idea_support_set(idea=idea, user=supporter, supporting=True)
        # A short discussion, with a reply, and the organisation's answer on the first idea.
        first = comment_post(target=ideas[0], author=participants[0], stance="for", text=COMMENTS[0])
        comment_post(target=ideas[0], author=participants[1], stance="against", text=COMMENTS[1])
        comment_post(
            target=ideas[0], author=participants[2], stance="neutral", text=COMMENTS[2], parent=first
        )
        comment_post(target=statements[0], author=participants[3], stance="for", text=COMMENTS[3])
        idea_answer(idea=ideas[0], status="under_study", answer=IDEA_ANSWER)
        for idea, (status, answer) in zip(ideas[1:], IDEA_ANSWERS, strict=True):
            idea_answer(idea=idea, status=status, answer=answer)

    def _privacy_page(self, home):
        page = StandardPage.objects.filter(slug="donnees-personnelles").first()
        if page is None:
            page = StandardPage(
                title="Données personnelles", slug="donnees-personnelles", body=PRIVACY_NOTICE
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        site_settings = SiteSettings.for_site(home.get_site())
        if site_settings.privacy_page_id is None:
            site_settings.privacy_page = page
            site_settings.save()

    def _site_pages(self, home):
        """The pages every site has: legal notice, help, accessibility, contact, site map, news."""

        def child(model, slug, **fields):
            page = model.objects.filter(slug=slug).first()
            if page is None:
                page = model(slug=slug, show_in_menus=True, **fields)
                home.add_child(instance=page)
                page.save_revision().publish()
            return page

        legal = child(StandardPage, "mentions-legales", title="Mentions légales", body=LEGAL_NOTICE)
        help_page = child(StandardPage, "aide", title="Aide", body=HELP)
        child(
            AccessibilityStatementPage,
            "accessibilite",
            title="Accessibilité",
            organisation_name="La Direction de la transformation publique (démo)",
            service_name="le site de participation Concerto (démo)",
            contact_details=(
                "<p>Direction de la transformation publique (démo), accessibilite@concerto.localhost</p>"
            ),
        )
        child(
            ContactPage,
            "contact",
            title="Contact",
            introduction="<p>Une question sur une consultation ou sur la plateforme ? Écrivez-nous.</p>",
        )
        child(SitemapPage, "plan-du-site", title="Plan du site")
        news_index = NewsIndexPage.objects.filter(slug="actualites").first()
        if news_index is None:
            news_index = child(NewsIndexPage, "actualites", title="Actualités")
            for index, (title, introduction, body) in enumerate(NEWS):
                news = NewsPage(
                    title=title,
                    slug=f"actualite-{index + 1}",
                    date=timezone.localdate() - timedelta(days=7 * index),
                    introduction=introduction,
                    body=body,
                )
                if index == 0:
                    news.image = demo_image()
                    news.image_alt = (
                        "Un poste de travail à domicile : un ordinateur portable et un second écran."
                    )
                news_index.add_child(instance=news)
                news.save_revision().publish()
        site_settings = SiteSettings.for_site(home.get_site())
        site_settings.legal_notice_page = site_settings.legal_notice_page or legal
        site_settings.help_page = site_settings.help_page or help_page
        site_settings.contact_email = site_settings.contact_email or f"contact@{DEMO_DOMAIN}"
        site_settings.save()

    def _news(self, home):
        """News added since the first demos: each made once, under the news index."""
        news_index = NewsIndexPage.objects.get(slug="actualites")
        for days, (slug, title, introduction, body) in enumerate(MORE_NEWS, start=1):
            if NewsPage.objects.filter(slug=slug).exists():
                continue
            news = NewsPage(
                title=title,
                slug=slug,
                date=timezone.localdate() - timedelta(days=days),
                introduction=introduction,
                body=body,
            )
            news_index.add_child(instance=news)
            news.save_revision().publish()

    def _outcome(self, home, consultation, snapshot):
        if OutcomePage.objects.filter(slug=OUTCOME_SLUG).exists():
            return
        page = OutcomePage(
            title="Télétravail : ce que vous nous avez dit (bilan d’étape)",
            slug=OUTCOME_SLUG,
            consultation=consultation,
            report_version=snapshot,
            summary=(
                "Trois semaines après l’ouverture, la plupart des agents télétravaillent un ou deux "
                "jours par "
                "semaine et jugent que le service aux usagers n’en a pas souffert."
            ),
            body=[
                {"type": "highlights", "value": {"show_ideas": True}},
                {
                    "type": "report_figure",
                    "value": {"figure": "participants", "caption": "agents ont répondu"},
                },
                {
                    "type": "choice_chart",
                    "value": {"question_number": 2, "caption": ""},
                },
            ],
            decisions=[
                {
                    "type": "paragraph",
                    "value": "<p>L’accueil physique des usagers sera maintenu tous les jours ouvrés : "
                    "c’est la "
                    "demande la plus fréquente des réponses écrites.</p>",
                },
                {"type": "accountability", "value": {"source": "ideas", "statuses": []}},
            ],
            next_steps="<p>La consultation reste ouverte. Une synthèse complète sera publiée à sa "
            "clôture.</p>",
        )
        home.add_child(instance=page)
        page.save_revision().publish()
