"""`manage.py opendata_recompute <zip or folder>`: recompute every published figure of an open-data
dataset from its files alone and compare it with the dataset's results.csv."""

from django.core.management.base import BaseCommand, CommandError

from opendata.recompute import DatasetError, compare, read_files


class Command(BaseCommand):
    help = (
        "Recompute the published figures (statement counts and shares, questionnaire shares and means, "
        "budget vote results) of an open-data dataset (its ZIP or unpacked folder) from its files alone; "
        "prints each figure with OK or DIFFERENT (GIVEN for a figure the files cannot give, see the "
        "dataset's README; NOT RECOMPUTABLE for a personal question's totals: its answers are not in the "
        "files) and exits with status 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The dataset's ZIP file or the folder it was unpacked into.")

    def handle(self, *args, path, **options):
        try:
            checks = compare(read_files(path))
        except DatasetError as error:
            raise CommandError(str(error)) from error
        different = unverifiable = 0
        for check in checks:
            if check.given:
                self.stdout.write(f"GIVEN      {check.label} = {check.published} (see README)")
                continue
            if check.not_recomputable:
                unverifiable += 1
                shown = check.published or "(hidden)"
                self.stdout.write(f"NOT RECOMPUTABLE  {check.label} = {shown}: {check.not_recomputable}")
                continue
            if check.ok:
                self.stdout.write(f"OK         {check.label} = {check.published}")
                continue
            different += 1
            published = "(not published)" if check.published is None else check.published
            recomputed = "(not recomputable)" if check.recomputed is None else check.recomputed
            self.stdout.write(f"DIFFERENT  {check.label}: published {published}, recomputed {recomputed}")
        given = sum(1 for check in checks if check.given)
        self.stdout.write(
            f"{len(checks)} figures, {len(checks) - different - given - unverifiable} OK, {given} GIVEN, "
            f"{different} DIFFERENT, {unverifiable} NOT RECOMPUTABLE"
        )
        if different:
            raise CommandError(f"{different} figure(s) differ from the published results", returncode=1)
