from django.core.management.base import BaseCommand

from accounts.territories import territories_load


class Command(BaseCommand):
    help = "Load or refresh the French territories (regions, départements, EPCI, communes); idempotent."

    def handle(self, *args, **options):
        counts = territories_load()
        self.stdout.write(", ".join(f"{kind}: {count}" for kind, count in counts.items()))
