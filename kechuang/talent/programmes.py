"""The shipped talent programmes (data/programmes.yaml) and their loader, run after every migrate like
the other shipped reference data: a programme the district added in the back office is left alone."""
from pathlib import Path

import yaml

SHIPPED = Path(__file__).parent / "data" / "programmes.yaml"


def shipped() -> list[dict]:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def sync_programmes() -> None:
    from kechuang.talent.models import Programme, ProgrammeLevel

    for order, entry in enumerate(shipped(), start=1):
        programme, _ = Programme.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"], "issuer": entry.get("issuer", ""), "source": entry.get("source", ""),
                "verified": entry.get("verified", False), "district_own": entry.get("district_own", False),
                "order": order * 10,
            },
        )
        for rank, level in enumerate(entry["levels"], start=1):
            ProgrammeLevel.objects.update_or_create(
                programme=programme, code=level["code"], defaults={"name": level["name"], "order": rank * 10}
            )
