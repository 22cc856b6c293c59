"""Reference code tables shipped with the product (see data/ and NOTICE) and their loaders.

The loaders take model classes so that the data migration can pass its historical models.
"""
import csv
import gzip
import io
from pathlib import Path

DATA = Path(__file__).parent / "data"

# (code, label, class, is_patent) — 高企 and 国科小 share this classification.
IP_KINDS = [
    ("invention_patent", "发明专利", "I", True),
    ("defense_patent", "国防专利", "I", True),
    ("ic_layout", "集成电路布图设计", "I", False),
    ("plant_variety", "植物新品种", "I", False),
    ("national_crop_variety", "国家级农作物品种", "I", False),
    ("national_new_drug", "国家新药", "I", False),
    ("tcm_protection_1", "国家一级中药保护品种", "I", False),
    ("utility_model", "实用新型", "II", True),
    ("design_patent", "外观设计", "II", True),
    ("software_copyright", "软件著作权", "II", False),
]


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
        [IPKind(code=c, label=lb, ip_class=cl, is_patent=pat) for c, lb, cl, pat in IP_KINDS]
    )
