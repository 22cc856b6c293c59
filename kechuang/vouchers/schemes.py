"""Voucher scheme files: YAML → a validated `SchemeSpec`, then stored as a `Scheme` with its ledger
account. Every refusal names the file, the line and the key (the rule-set loader's conventions).

The texts we could read (津滨科发〔2024〕7号 and its 2025 revision) name the kinds and their categories but
no ratios, caps or validity: those are parameters of each file, and `verified: false` says so on screen.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from kechuang.core import ledger
from kechuang.policy.rules.errors import RuleSetError
from kechuang.policy.rules.yamlsrc import LDict, load_yaml
from kechuang.registry.choices import CertificateKind
from kechuang.vouchers.choices import CATEGORIES_OF_KIND, SchemeKind

BUILTIN_DIR = Path(__file__).resolve().parent / "schemes"
REQUIRED = (
    "code", "name", "kind", "year", "budget", "subsidy_ratio", "cap_per_claim", "cap_per_enterprise", "categories",
    "valid_from", "valid_to", "claim_valid_days",
)
OPTIONAL = ("version", "eligible", "source", "verified", "requires_intention", "notes")
ELIGIBLE_KEYS = ("in_district", "tiers", "pipeline")
PIPELINE_TIERS = ("tsme", "chuying", "hnte", "dengling", "lingjun_peiyu", "lingjun")


@dataclass(frozen=True)
class SchemeSpec:
    code: str
    name: str
    kind: str
    year: int
    version: int
    budget: Decimal
    subsidy_ratio: Decimal
    cap_per_claim: Decimal
    cap_per_enterprise: Decimal
    categories: tuple[str, ...]
    eligible_in_district: bool
    eligible_certificates: tuple[str, ...]
    eligible_pipeline: tuple[str, ...]
    requires_intention: bool
    valid_from: dt.date
    valid_to: dt.date
    claim_valid_days: int
    source: str
    verified: bool
    digest: str


class SchemeFileError(RuleSetError):
    """A scheme file is malformed; the message names file, line and key."""


def _fail(message: str, file, data: LDict, key: str):
    raise SchemeFileError(message, file=file, line=data.line_of(key) if isinstance(data, LDict) else None, key=key)


def _amount(data, key, file, *, positive=False, at_most=None) -> Decimal:
    value = data[key]
    if isinstance(value, bool):
        _fail(f"{key} must be a number", file, data, key)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _fail(f"{key} must be a number, not {value!r}", file, data, key)
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        _fail(f"{key} must be {'above' if positive else 'at least'} zero, not {value}", file, data, key)
    if at_most is not None and amount > at_most:
        _fail(f"{key} must be at most {at_most}, not {value}", file, data, key)
    if amount.as_tuple().exponent < -4 or amount >= Decimal("1e13"):
        _fail(f"{key} has too many digits: {value}", file, data, key)
    return amount


def _date(data, key, file) -> dt.date:
    value = data[key]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _fail(f"{key} must be a date YYYY-MM-DD, not {value!r}", file, data, key)


def _words(data, key, file, allowed) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(f"{key} must be a list of names", file, data, key)
    unknown = [v for v in value if v not in allowed]
    if unknown:
        _fail(f"{key}: {'、'.join(unknown)} not known; allowed: {'、'.join(allowed)}", file, data, key)
    return tuple(dict.fromkeys(value))


def parse(text: str, file="<string>") -> SchemeSpec:
    data = load_yaml(text, file=file)
    if not isinstance(data, dict):
        raise SchemeFileError("the file must be a YAML mapping", file=file, line=1)
    for key in REQUIRED:
        if key not in data or data[key] is None:
            raise SchemeFileError(f"missing key {key!r}", file=file, line=getattr(data, "line", 1), key=key)
    unknown = set(data) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        key = sorted(unknown)[0]
        _fail(f"unknown key {key!r}; allowed: {', '.join(REQUIRED + OPTIONAL)}", file, data, key)
    code = str(data["code"])
    if not code.replace("-", "").replace("_", "").isalnum() or len(code) > 80:
        _fail("code must be letters, digits, - and _ (at most 80)", file, data, "code")
    if data["kind"] not in SchemeKind.values:
        _fail(f"kind must be one of {', '.join(SchemeKind.values)}, not {data['kind']!r}", file, data, "kind")
    kind = data["kind"]
    categories = _words(data, "categories", file, CATEGORIES_OF_KIND[kind])
    if not categories:
        _fail("categories may not be empty", file, data, "categories")
    year = data["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        _fail(f"year must be a year such as 2024, not {year!r}", file, data, "year")
    budget = _amount(data, "budget", file)
    ratio = _amount(data, "subsidy_ratio", file, positive=True, at_most=Decimal("1"))
    cap_per_claim = _amount(data, "cap_per_claim", file, positive=True)
    cap_per_enterprise = _amount(data, "cap_per_enterprise", file, positive=True)
    valid_from, valid_to = _date(data, "valid_from", file), _date(data, "valid_to", file)
    if valid_to < valid_from:
        _fail("valid_to lies before valid_from", file, data, "valid_to")
    days = data["claim_valid_days"]
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3660:
        _fail(f"claim_valid_days must be a whole number of days from 1 to 3660, not {days!r}", file, data, "claim_valid_days")
    eligible = data.get("eligible") or {}
    if not isinstance(eligible, dict):
        _fail("eligible must be a mapping (in_district, tiers, pipeline)", file, data, "eligible")
    extra = set(eligible) - set(ELIGIBLE_KEYS)
    if extra:
        _fail(f"eligible: unknown key {sorted(extra)[0]!r}; allowed: {', '.join(ELIGIBLE_KEYS)}", file, eligible, sorted(extra)[0])
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        _fail("version must be a whole number from 1", file, data, "version")
    for flag in ("verified", "requires_intention"):
        if not isinstance(data.get(flag, False), bool):
            _fail(f"{flag} must be true or false", file, data, flag)
    if not isinstance(eligible.get("in_district", True), bool):
        _fail("in_district must be true or false", file, eligible, "in_district")
    return SchemeSpec(
        code=code, name=str(data["name"])[:200], kind=kind, year=year, version=version, budget=budget,
        subsidy_ratio=ratio, cap_per_claim=cap_per_claim, cap_per_enterprise=cap_per_enterprise, categories=categories,
        eligible_in_district=eligible.get("in_district", True),
        eligible_certificates=_words(eligible, "tiers", file, CertificateKind.values),
        eligible_pipeline=_words(eligible, "pipeline", file, PIPELINE_TIERS),
        requires_intention=data.get("requires_intention", False),
        valid_from=valid_from, valid_to=valid_to, claim_valid_days=days, source=str(data.get("source") or "")[:200],
        verified=data.get("verified", False), digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def read(path) -> SchemeSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SchemeFileError(f"cannot read the file: {error}", file=path) from error
    return parse(text, file=path)


def store(spec: SchemeSpec, by=None):
    """Create or update the scheme; a new version may change the budget, but never below what its claims
    already reserved and paid (the ledger refuses, and nothing is written)."""
    from kechuang.vouchers.models import Scheme

    fields = {
        name: getattr(spec, name)
        for name in (
            "name", "kind", "year", "version", "budget", "subsidy_ratio", "cap_per_claim", "cap_per_enterprise",
            "eligible_in_district", "requires_intention", "valid_from", "valid_to", "claim_valid_days", "source",
            "verified",
        )
    }
    fields.update(
        categories=list(spec.categories), eligible_certificates=list(spec.eligible_certificates),
        eligible_pipeline=list(spec.eligible_pipeline), file_digest=spec.digest,
    )
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().filter(code=spec.code).first()
        if scheme is None:
            account = ledger.open_account(f"vouchers.scheme:{spec.code}", spec.name, spec.budget, by)
            scheme = Scheme.objects.create(code=spec.code, account=account, **fields)
            return scheme, True
        if spec.version < scheme.version:
            raise SchemeFileError(
                f"version {spec.version} is older than the stored version {scheme.version}", key="version"
            )
        ledger.set_limit(scheme.account, spec.budget, by)
        for name, value in fields.items():
            setattr(scheme, name, value)
        scheme.save()
    return scheme, False


def load_builtin(by=None) -> list:
    return [store(read(path), by)[0] for path in sorted(BUILTIN_DIR.glob("*.yaml"))]
