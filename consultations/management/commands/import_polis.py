"""`manage.py import_polis <folder>`: a Pol.is export becomes a consultation with its statements and votes."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from wagtail.models import Page, Site

from accounts.models import Organisation
from consultations.imports.polis import (
    PolisImportError,
    PolisImportRefused,
    polis_conversation_import,
    polis_export_read,
)
from consultations.models import ConsultationPage
from consultations.placeholders import placeholders_left


class Command(BaseCommand):
    help = (
        "Import a Pol.is conversation export (comments.csv, participants-votes.csv, summary.csv) as a closed "
        "consultation with its statements and votes. All of it is imported, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The folder of the exported conversation.")
        parser.add_argument(
            "--organisation",
            help="Slug of the organisation that runs the consultation (required when there are several).",
        )
        parser.add_argument(
            "--parent", type=int, help="Id of the page to create it under (default: the site's home page)."
        )
        parser.add_argument("--title", default="", help="Its title (default: the export's topic).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the statements and votes of an earlier import of the same conversation.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=(
                "Publish the page (default: a draft). Refused unless the decision at stake and what can "
                "change are described (the two options below, or in the admin before a --replace)."
            ),
        )
        # What an export does not say and the page must (the duty to report back): without them the
        # page holds placeholders and stays a draft.
        parser.add_argument(
            "--decision-at-stake", default="", help="What will be decided, by whom, and when."
        )
        parser.add_argument(
            "--what-can-change",
            default="",
            help="What the contributions can still change, and what is already settled.",
        )
        parser.add_argument(
            "--use-of-contributions",
            default="",
            help="How the statements and votes will be used (default: analysed into opinion groups and "
            "points of consensus, published in the consultation's report).",
        )

    def handle(
        self,
        *args,
        folder,
        organisation,
        parent,
        title,
        replace,
        publish,
        decision_at_stake,
        what_can_change,
        use_of_contributions,
        **options,
    ):
        started = time.perf_counter()
        try:
            export = polis_export_read(folder)
        except PolisImportError as error:
            raise CommandError("Nothing was imported:\n" + "\n".join(error.errors)) from None
        target = self._organisation(organisation)
        parent_page = self._parent(parent)
        try:
            summary = polis_conversation_import(
                export=export,
                organisation=target,
                parent=parent_page,
                title=title,
                replace=replace,
                publish=publish,
                decision_at_stake=decision_at_stake,
                what_can_change=what_can_change,
                use_of_contributions=use_of_contributions,
            )
        except PolisImportRefused as refused:
            raise CommandError(f"Nothing was imported: {refused}") from None
        except DatabaseError as error:  # one transaction: a write refused midway undoes all of it
            raise CommandError(f"Nothing was imported: the database refused a write ({error}).") from error
        page = summary.consultation
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Replaced' if summary.replaced else 'Imported'} “{page.title}” (page {page.pk}, "
                f"{'published' if page.live else 'draft'}): {summary.statements} statements, "
                f"{summary.participants} participants, {summary.votes} votes "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
        self.stdout.write("Its report is compiled in the background; officials find it under Reports.")
        if not page.live and (left := placeholders_left(vars(page))):
            names = ", ".join(str(ConsultationPage._meta.get_field(name).verbose_name) for name in left)
            self.stdout.write(
                f"To publish it, describe first in the admin (page {page.pk}): {names}; "
                "or import it again with --replace --publish and the options that fill them."
            )

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"Nothing was imported: no organisation has the slug “{slug}”.")
            return found
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) != 1:
            raise CommandError(
                "Nothing was imported: say which organisation runs it with --organisation <slug>."
            )
        return organisations[0]

    def _parent(self, page_id: int | None) -> Page:
        if page_id is not None:
            found = Page.objects.filter(pk=page_id).first()
            if found is None:
                raise CommandError(f"Nothing was imported: no page has the id {page_id}.")
            return found.specific
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError(
                "Nothing was imported: no default site; give the parent page with --parent <id>."
            )
        return site.root_page.specific
