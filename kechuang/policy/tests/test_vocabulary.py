"""The rule engine's vocabulary is the product's one vocabulary: every IP kind, class, certificate
kind, tier and high-tech domain the engine knows is in the core tables with the same label and class,
and the tables hold nothing the engine does not know."""
from pathlib import Path

import pytest
import yaml

from kechuang.core.choices import DomainLevel
from kechuang.core.models import CertificateKind, HighTechDomain, IPKind, Tier
from kechuang.core.reference import CERTIFICATE_KINDS, IP_KINDS, TIERS
from kechuang.policy.rules import default_registry, vocab
from kechuang.policy.rules.profile import load_schema

RULESETS = Path(vocab.__file__).resolve().parents[1] / "rulesets"


@pytest.mark.django_db
def test_ip_kinds_and_classes_of_the_engine_are_the_table():
    table = {kind.code: kind.ip_class for kind in IPKind.objects.all()}
    engine = {**{code: "I" for code in vocab.IP_KINDS_CLASS_1}, **{code: "II" for code in vocab.IP_KINDS_CLASS_2}}
    assert engine == table
    assert {kind.code: (kind.label, kind.ip_class, kind.is_patent, list(kind.aliases)) for kind in IP_KINDS} == {
        row.code: (row.label, row.ip_class, row.is_patent, row.aliases) for row in IPKind.objects.all()
    }


@pytest.mark.django_db
def test_the_official_ip_labels_win_and_the_other_spellings_are_aliases():
    assert IPKind.objects.get(code="utility_model").label == "实用新型专利"
    assert IPKind.objects.get(code="design_patent").label == "外观设计专利"
    assert "实用新型" in IPKind.objects.get(code="utility_model").aliases


@pytest.mark.django_db
def test_certificate_kinds_and_tiers_of_the_engine_are_the_tables():
    assert set(vocab.CERT_KINDS) == set(CertificateKind.objects.values_list("code", flat=True))
    assert {kind.code: (kind.label, list(kind.aliases)) for kind in CERTIFICATE_KINDS} == {
        row.code: (row.label, row.aliases) for row in CertificateKind.objects.all()
    }
    tiers = list(Tier.objects.select_related("certificate_kind"))
    assert [(t.code, t.rank, t.short_label) for t in tiers] == [(t.code, t.rank, t.short_label) for t in TIERS]
    # Each tier is its own certificate kind and rule set, and each rule set certifies a tier.
    assert all(t.certificate_kind_id == t.code for t in tiers)
    registry = default_registry()
    assert set(registry.keys()) == {t.code for t in tiers}
    assert {registry.get(key).certificate_kind for key in registry.keys()} == {t.code for t in tiers}


@pytest.mark.django_db
def test_every_kind_a_rule_set_names_is_in_the_tables():
    certificates = set(CertificateKind.objects.values_list("code", flat=True))
    ip_kinds = set(IPKind.objects.values_list("code", flat=True))
    named_certs, named_ip = set(), set()
    for path in RULESETS.glob("*.yaml"):
        for node in _nodes(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for key in ("cert_valid", "cert_held"):
                if isinstance(node.get(key), list):
                    named_certs.update(node[key])
            if isinstance(node.get("kinds"), list):
                named_ip.update(node["kinds"])
    assert named_certs and named_certs <= certificates
    assert named_ip <= ip_kinds


def _nodes(node):
    """Every mapping in a parsed rule-set file, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


@pytest.mark.django_db
def test_high_tech_domains_of_the_engine_are_the_table():
    domains = set(HighTechDomain.objects.filter(level=DomainLevel.DOMAIN).values_list("name", flat=True))
    hnte = yaml.safe_load((RULESETS / "hnte-2016.yaml").read_text(encoding="utf-8"))
    (criterion,) = [node for node in _nodes(hnte) if node.get("id") == "hitech_domain"]
    assert set(criterion["in"]) == domains and len(domains) == 8


def test_the_shipped_profile_schema_lists_the_same_kinds():
    schema = load_schema("profile")

    def enum_of(list_name):
        items = schema["properties"][list_name]["items"]["properties"]["kind"]["enum"]
        return {value for value in items if value is not None}

    assert enum_of("ip") == set(vocab.IP_KINDS)
    assert enum_of("certificates") == set(vocab.CERT_KINDS)
