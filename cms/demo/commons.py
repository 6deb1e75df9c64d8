"""The initiatives commons of the demo: ten initiatives born in real communes and départements, each
reused elsewhere. The places come from the territories referential (`manage.py territories_load`); one
that is missing (a database where it was not loaded) is added with its INSEE code and name."""

from django.utils.text import slugify

from accounts.models import Organisation, Territory
from accounts.territories import search_key
from commons.models import Initiative, Licence, Scale
from commons.services import reuse_declare

Kind = Territory.Kind

DEPARTEMENTS = {
    "06": "Alpes-Maritimes",
    "21": "Côte-d'Or",
    "25": "Doubs",
    "29": "Finistère",
    "31": "Haute-Garonne",
    "33": "Gironde",
    "34": "Hérault",
    "35": "Ille-et-Vilaine",
    "37": "Indre-et-Loire",
    "38": "Isère",
    "44": "Loire-Atlantique",
    "45": "Loiret",
    "59": "Nord",
    "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme",
    "67": "Bas-Rhin",
    "68": "Haut-Rhin",
    "86": "Vienne",
    "87": "Haute-Vienne",
}
COMMUNES = {
    "06084": "Mouans-Sartoux",
    "21231": "Dijon",
    "25056": "Besançon",
    "29019": "Brest",
    "31555": "Toulouse",
    "33063": "Bordeaux",
    "34172": "Montpellier",
    "35238": "Rennes",
    "37261": "Tours",
    "38185": "Grenoble",
    "44109": "Nantes",
    "45234": "Orléans",
    "59350": "Lille",
    "62528": "Loos-en-Gohelle",
    "63113": "Clermont-Ferrand",
    "67482": "Strasbourg",
    "68166": "Kingersheim",
    "86194": "Poitiers",
    "87085": "Limoges",
}


def demo_place(code: str) -> Territory:
    """The commune (five characters) or département (two) of this INSEE code."""
    if len(code) == 2:
        kind, name, parent = Kind.DEPARTEMENT, DEPARTEMENTS[code], None
    else:
        kind, name, parent = Kind.COMMUNE, COMMUNES[code], demo_place(code[:2])
    found = Territory.objects.filter(kind=kind, code=code).first()
    if found is None:
        found = Territory.objects.create(
            kind=kind, code=code, name=name, search_name=search_key(name), parent=parent
        )
    return found


# (title, born in, scale, themes, description, [(reused in, comment)]).
INITIATIVES = [
    (
        "Une légumerie municipale pour une cantine bio en régie",
        "06084",
        Scale.COMMUNE,
        ["alimentation", "restauration scolaire", "agriculture"],
        "La commune cultive sur une régie agricole les légumes de ses cantines et les prépare dans une "
        "légumerie municipale. Le coût d’un repas n’a pas augmenté : le gaspillage a baissé de moitié. "
        "Le dossier décrit le statut de la régie, le recrutement du maraîcher et le plan de culture.",
        [
            ("21231", "Nous adaptons le plan de culture à une cuisine centrale de 4 000 repas."),
            ("87085", ""),
            ("44", "Étude de faisabilité pour les collèges du département."),
        ],
    ),
    (
        "Le permis de végétaliser les pieds d’arbres et les trottoirs",
        "35238",
        Scale.COMMUNE,
        ["nature en ville", "espace public"],
        "Un habitant demande en ligne à planter au pied d’un arbre ou le long d’une façade ; la ville "
        "perce le trottoir si besoin et fournit un sachet de graines. Modèle de convention et charte de "
        "végétalisation fournis.",
        [("44109", "Convention reprise telle quelle."), ("45234", ""), ("63113", "")],
    ),
    (
        "La rue aux écoles : fermer la rue aux voitures à l’entrée et à la sortie des classes",
        "59350",
        Scale.COMMUNE,
        ["mobilités", "sécurité", "école"],
        "Des barrières amovibles ferment la rue devant l’école une demi-heure matin et soir. Le guide "
        "décrit l’arrêté municipal, la concertation avec les riverains et l’évaluation de la qualité de "
        "l’air avant et après.",
        [("33063", "Douze écoles concernées à la rentrée."), ("34172", ""), ("86194", "")],
    ),
    (
        "Un budget participatif décidé par un conseil d’habitants tiré au sort",
        "68166",
        Scale.COMMUNE,
        ["démocratie locale", "budget participatif"],
        "Chaque année, un conseil de trente habitants tirés au sort sur les listes électorales instruit "
        "les projets du budget participatif avec les services, avant le vote de tous.",
        [("25056", "Nous commençons par un conseil de vingt personnes."), ("37261", "")],
    ),
    (
        "Un guichet unique de la rénovation énergétique des logements",
        "38185",
        Scale.INTERCOMMUNALITY,
        ["énergie", "logement", "climat"],
        "Un seul numéro et un seul lieu pour les propriétaires : diagnostic gratuit, choix des artisans, "
        "montage des aides. Le dossier donne l’organisation du service, ses indicateurs et son budget.",
        [("67482", ""), ("21", "Déployé dans trois communautés de communes du département.")],
    ),
    (
        "Une outilthèque à la médiathèque",
        "29019",
        Scale.COMMUNE,
        ["économie circulaire", "culture"],
        "Perceuses, escabeaux, appareils à raclette : les abonnés empruntent des outils comme des "
        "livres. Le règlement de prêt, la liste de départ et l’assurance sont fournis.",
        [("35238", ""), ("31555", "Ouvert dans deux médiathèques de quartier."), ("62528", "")],
    ),
    (
        "Le transport à la demande pour les villages sans ligne régulière",
        "25",
        Scale.DEPARTEMENT,
        ["mobilités", "ruralité"],
        "Un minibus réservable la veille par téléphone ou en ligne relie les villages au bourg-centre et "
        "à la gare. Le cahier des charges du marché et les horaires types sont fournis.",
        [("29", "Adapté aux îles et aux presqu’îles."), ("63", "")],
    ),
    (
        "La médiation numérique itinérante en camping-car",
        "63",
        Scale.DEPARTEMENT,
        ["inclusion numérique", "services publics", "ruralité"],
        "Deux conseillers numériques sillonnent les marchés et les mairies avec un camping-car équipé : "
        "démarches en ligne, premiers pas sur internet, impression des justificatifs.",
        [("87", ""), ("86", "Avec les maisons France services du département."), ("45", "")],
    ),
    (
        "Des chantiers participatifs pour isoler les bâtiments communaux",
        "62528",
        Scale.COMMUNE,
        ["énergie", "climat", "participation"],
        "Habitants, artisans et agents isolent ensemble la salle des fêtes ou l’école un week-end : une "
        "formation, des matériaux biosourcés et un repas partagé. Guide d’organisation et d’assurance.",
        [("68166", ""), ("59350", "Premier chantier sur une école maternelle.")],
    ),
    (
        "Un réfrigérateur solidaire dans chaque quartier",
        "86194",
        Scale.COMMUNE,
        ["alimentation", "solidarité", "gaspillage"],
        "Commerçants et habitants y déposent les produits qu’ils ne consommeront pas ; chacun se sert. "
        "Une charte d’hygiène validée par les services vétérinaires et un planning de relevé des "
        "températures sont fournis.",
        [("33063", ""), ("34172", "Installé dans les centres sociaux."), ("37261", "")],
    ),
]


def demo_commons_load(*, organisation: Organisation, contact: str, people) -> list[Initiative]:
    """The published initiatives, each with its reuses (made with the initiative, once)."""
    initiatives = []
    for number, (title, born, scale, themes, description, reuses) in enumerate(INITIATIVES):
        slug = slugify(title)[:90]
        initiative = Initiative.objects.filter(slug=slug).first()
        if initiative is None:
            initiative = Initiative(
                title=title,
                slug=slug,
                description=description,
                licence=Licence.CC_BY_SA_4_0 if number % 4 == 3 else Licence.ETALAB_2_0,
                territory=demo_place(born),
                scale=scale,
                contact=contact,
                organisation=organisation,
                published=True,
            )
            initiative.full_clean()
            initiative.themes.add(*themes)
            initiative.save()
            for index, (code, comment) in enumerate(reuses):
                reuse_declare(
                    initiative=initiative,
                    person=people[(number * 3 + index) % len(people)],
                    territory=demo_place(code),
                    comment=comment,
                )
        initiatives.append(initiative)
    return initiatives
