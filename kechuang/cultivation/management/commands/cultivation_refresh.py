from django.core.management.base import BaseCommand

from kechuang.core.audit import acting_as
from kechuang.cultivation import services
from kechuang.cultivation.choices import Tier


class Command(BaseCommand):
    help = "Recognise (认定) enrolled enterprises whose tier certificate has since been recorded in the registry."

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=Tier.values, help="only this tier")

    def handle(self, *args, tier=None, **options):
        with acting_as("cultivation_refresh"):
            recognised = services.detect_recognitions(tier)
        for enrollment in recognised:
            self.stdout.write(f"{enrollment.enterprise.uscc} {enrollment.enterprise.name} {enrollment.tier} {enrollment.certificate.number}")
        self.stdout.write(f"recognised: {len(recognised)}")
