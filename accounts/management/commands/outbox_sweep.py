from datetime import timedelta

from django.core.management.base import BaseCommand

from core.outbox import outbox_sweep


class Command(BaseCommand):
    help = (
        "Publish the queued tasks that could not reach the broker (it was down), and those published longer "
        "than OUTBOX_LEASE_SECONDS ago that never ran (the broker lost them); beat does it every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="include rows written in the last 30 seconds")

    def handle(self, *args, **options):
        count = outbox_sweep(grace=timedelta(0)) if options["all"] else outbox_sweep()
        self.stdout.write(f"{count} task(s) published")
