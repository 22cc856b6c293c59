"""Reference code tables shipped with the product (see data/ and NOTICE) and their loaders.

The loaders take model classes so that the data migration can pass its historical models.
"""
import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"

@dataclass(frozen=True)
class IPKindEntry:
    code: str
    label: str  # as the official texts write it (国科发火〔2016〕32号 附件, 国科发政〔2017〕115号)
    ip_class: str  # "I" or "II": Ⅰ类 / Ⅱ类 as 高企 and 国科小 count them
    is_patent: bool
    aliases: tuple[str, ...] = ()  # other spellings real files use, accepted on import


@dataclass(frozen=True)
class CertificateKindEntry:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TierEntry:
    """A step of the gradient 国科小 → 雏鹰 → 国高企 → 瞪羚 → 领军(培育). Its code is also its certificate
    kind and its policy rule set, so a tier, its criteria and its certificate share one name."""

    code: str
    rank: int
    short_label: str  # the name people use in speech, for titles such as 我的高企之路


# The product's one vocabulary of IP kinds, certificate kinds and tiers. The rule engine
# (policy/rules/vocab.py), the registry's and cultivation's choices, the imports and the demo read
# it; migrations load it into the core tables IPKind, CertificateKind and Tier (`sync_vocabulary`),
# and a test pins the engine and the tables to it.
IP_KINDS = (
    IPKindEntry("invention_patent", "发明专利", "I", True, ("发明",)),
    IPKindEntry("defense_patent", "国防专利", "I", True),
    IPKindEntry("ic_layout", "集成电路布图设计专有权", "I", False, ("集成电路布图设计",)),
    IPKindEntry("plant_variety", "植物新品种", "I", False),
    IPKindEntry("national_crop_variety", "国家级农作物品种", "I", False),
    IPKindEntry("national_new_drug", "国家新药", "I", False),
    IPKindEntry("tcm_protection_1", "国家一级中药保护品种", "I", False),
    IPKindEntry("utility_model", "实用新型专利", "II", True, ("实用新型",)),
    IPKindEntry("design_patent", "外观设计专利", "II", True, ("外观设计",)),
    IPKindEntry("software_copyright", "软件著作权", "II", False, ("计算机软件著作权", "软著")),
)

CERTIFICATE_KINDS = (
    CertificateKindEntry("hnte", "国家高新技术企业", ("国高企", "高企", "高新技术企业", "国家级高新技术企业")),
    CertificateKindEntry("tj_hnte", "天津市高新技术企业", ("市高企", "天津市高企")),
    CertificateKindEntry("tsme", "科技型中小企业", ("国科小", "科小")),
    CertificateKindEntry("chuying", "雏鹰企业", ("雏鹰",)),
    CertificateKindEntry("dengling", "瞪羚企业", ("瞪羚",)),
    CertificateKindEntry("lingjun", "科技领军企业", ("领军企业", "科技领军")),
    CertificateKindEntry("lingjun_peiyu", "科技领军培育企业", ("领军培育", "科技领军(培育)企业")),
    CertificateKindEntry("software_enterprise", "软件企业"),
)

TIERS = (
    TierEntry("tsme", 1, "科小"),
    TierEntry("chuying", 2, "雏鹰"),
    TierEntry("hnte", 3, "高企"),
    TierEntry("dengling", 4, "瞪羚"),
    TierEntry("lingjun_peiyu", 5, "领军培育"),
    TierEntry("lingjun", 6, "领军"),
)

CERTIFICATE_KIND_LABELS = {kind.code: kind.label for kind in CERTIFICATE_KINDS}


def labels_and_aliases(entries) -> dict[str, str]:
    """{label or alias: code} for reading a file's cells: the official label and every other spelling."""
    found = {}
    for entry in entries:
        for name in (entry.label, *entry.aliases):
            found[name] = entry.code
    return found


def _rows(name: str):
    path = DATA / name
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            yield from csv.DictReader(io.StringIO(handle.read()))
    else:
        with path.open(encoding="utf-8") as handle:
            yield from csv.DictReader(handle)


def region_rows():
    """(code, name, level, parent_code) for provinces, cities, counties and townships, parents first."""
    for row in _rows("divisions/provinces.csv"):
        yield row["code"], row["name"], "province", None
    for row in _rows("divisions/cities.csv"):
        yield row["code"], row["name"], "city", row["provinceCode"]
    for row in _rows("divisions/areas.csv"):
        yield row["code"], row["name"], "county", row["cityCode"]
    for row in _rows("divisions/streets.csv.gz"):
        yield row["code"], row["name"], "township", row["areaCode"]


def industry_rows():
    for row in _rows("gbt4754-2017.csv"):
        yield row["code"], row["name"], row["level"], row["parent"] or None, row["remark"]


def domain_rows():
    for row in _rows("hitech-domains-2016.csv"):
        yield row["code"], row["name"], row["level"], row["annex_numbering"], row["parent"] or None


def load_all(Region, Industry, HighTechDomain, IPKind) -> None:
    Region.objects.bulk_create(
        [Region(code=c, name=n, level=lv, parent_id=p) for c, n, lv, p in region_rows()], batch_size=5000
    )
    Industry.objects.bulk_create(
        [Industry(code=c, name=n, level=lv, parent_id=p, remark=r) for c, n, lv, p, r in industry_rows()],
        batch_size=2000,
    )
    HighTechDomain.objects.bulk_create(
        [HighTechDomain(code=c, name=n, level=lv, numbering=num, parent_id=p) for c, n, lv, num, p in domain_rows()]
    )
    IPKind.objects.bulk_create(
        [IPKind(code=kind.code, label=kind.label, ip_class=kind.ip_class, is_patent=kind.is_patent) for kind in IP_KINDS]
    )


def sync_vocabulary(IPKind, CertificateKind, Tier) -> None:
    """Makes the vocabulary tables say what IP_KINDS, CERTIFICATE_KINDS and TIERS say: a migration
    calls it whenever the declaration changes."""
    for kind in IP_KINDS:
        IPKind.objects.update_or_create(
            code=kind.code,
            defaults={"label": kind.label, "ip_class": kind.ip_class, "is_patent": kind.is_patent, "aliases": list(kind.aliases)},
        )
    IPKind.objects.exclude(code__in=[kind.code for kind in IP_KINDS]).delete()
    for kind in CERTIFICATE_KINDS:
        CertificateKind.objects.update_or_create(code=kind.code, defaults={"label": kind.label, "aliases": list(kind.aliases)})
    Tier.objects.exclude(code__in=[tier.code for tier in TIERS]).delete()
    CertificateKind.objects.exclude(code__in=[kind.code for kind in CERTIFICATE_KINDS]).delete()
    for tier in TIERS:
        Tier.objects.update_or_create(
            code=tier.code, defaults={"rank": tier.rank, "short_label": tier.short_label, "certificate_kind_id": tier.code}
        )


def restore_reference_tables(sender, using="default", apps=None, **kwargs):
    """post_migrate: the tables the migrations filled are filled again when they are found empty, as
    after a flush (a transactional test ends with one); filled tables are left as they are."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        models = {
            name: apps.get_model("core", name)
            for name in ("Region", "Industry", "HighTechDomain", "IPKind", "CertificateKind", "Tier")
        }
    except LookupError:  # migrated only part of the way: the migrations themselves load what exists
        return
    if not models["Region"].objects.using(using).exists():
        load_all(models["Region"], models["Industry"], models["HighTechDomain"], models["IPKind"])
    if not models["Tier"].objects.using(using).exists():
        sync_vocabulary(models["IPKind"], models["CertificateKind"], models["Tier"])
