"""Every write on talent records and the guidance directory, and the reads that mean something (the
directory's gaps). Plaintext identity numbers and phones pass through here only: they are encrypted,
indexed and masked on the way in, and decrypted only by `reveal`, which records who, when and why."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum

from kechuang.core import clock
from kechuang.core.audit import PendingEntry, append, lock_chain, object_type_of
from kechuang.core.choices import AuditAction
from kechuang.talent import crypto
from kechuang.talent.choices import Education, EditionState, SensitiveField
from kechuang.talent.identity import IdentityError, age_in, birth_date, mask_id, mask_phone, validate_id, validate_mobile
from kechuang.talent.models import Consent, DirectoryRow, Disclosure, Edition, EmployerDemand, Talent
from kechuang.talent.permissions import can_manage_talent, can_reveal, can_submit_demand

# The ages a record may have (the rule): under 16 is not working age, over 100 is a typing error.
MIN_AGE, MAX_AGE = 16, 100
ID_KIND, PHONE_KIND = "id", "phone"
EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}


def sealed_id(number: str, encrypt=crypto.encrypt) -> dict:
    """The stored forms of a valid identity number: ciphertext, blind index, mask."""
    return {"id_cipher": encrypt(number), "id_index": crypto.blind_index(ID_KIND, number), "id_masked": mask_id(number)}


def sealed_phone(number: str | None, encrypt=crypto.encrypt) -> dict:
    if not number:
        return {"phone_cipher": "", "phone_index": "", "phone_masked": ""}
    return {
        "phone_cipher": encrypt(number), "phone_index": crypto.blind_index(PHONE_KIND, number),
        "phone_masked": mask_phone(number),
    }


def id_index_of(text: str) -> str | None:
    """The blind index of a typed identity number, or None when it is not a valid number."""
    try:
        return crypto.blind_index(ID_KIND, validate_id(text))
    except IdentityError:
        return None


def age_problems(number: str, birth_year: int, today: dt.date) -> list[tuple[str, str]]:
    """(column, reason) for a birth year that disagrees with the number or gives an impossible age."""
    problems = []
    if birth_date(number).year != birth_year:
        problems.append(("出生年份", "与身份证号中的出生年份不一致"))
    age = age_in(today.year, birth_year)
    if age < MIN_AGE:
        problems.append(("出生年份", f"年龄 {age} 岁，不满 {MIN_AGE} 周岁"))
    elif age > MAX_AGE:
        problems.append(("出生年份", f"年龄 {age} 岁，超过 {MAX_AGE} 岁"))
    return problems


def _refuse(problems):
    if problems:
        raise ValidationError([f"[{column}] {reason}" for column, reason in problems])


@transaction.atomic
def save_talent(talent: Talent, user, id_number: str | None = None, phone: str | None = None) -> Talent:
    """Create or change a record from a form; a typed number replaces the stored one."""
    if not can_manage_talent(user):
        raise PermissionDenied
    lock_chain()
    problems = []
    if id_number:
        try:
            number = validate_id(id_number)
        except IdentityError as error:
            problems.append(("身份证号", str(error)))
        else:
            problems += age_problems(number, talent.birth_year, clock.today())
            for name, value in sealed_id(number).items():
                setattr(talent, name, value)
            clash = Talent.objects.filter(id_index=talent.id_index).exclude(pk=talent.pk).exists()
            if clash:
                problems.append(("身份证号", "该身份证号已有人才记录"))
    elif talent.pk is None:
        problems.append(("身份证号", "必填项为空"))
    else:
        # A changed birth year must still agree with the stored number.
        problems += age_problems(crypto.decrypt(talent.id_cipher), talent.birth_year, clock.today())
    if phone is not None:
        try:
            number = validate_mobile(phone) if phone else ""
        except IdentityError as error:
            problems.append(("手机号", str(error)))
        else:
            for name, value in sealed_phone(number).items():
                setattr(talent, name, value)
    _refuse(problems)
    talent.save()
    return talent


@transaction.atomic
def reveal(talent: Talent, field: str, reason: str, user) -> str:
    """One person's number, for an officer who gives a reason; the disclosure is chained before the
    number leaves this function."""
    if not can_reveal(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写查看原因")
    if field not in SensitiveField.values:
        raise ValidationError("只能查看身份证号或手机号")
    cipher, masked = (
        (talent.id_cipher, talent.id_masked) if field == SensitiveField.ID_NUMBER else (talent.phone_cipher, talent.phone_masked)
    )
    if not cipher:
        raise ValidationError("该人员未登记手机号")
    lock_chain()
    Disclosure.objects.create(talent=talent, field=field, masked=masked, reason=reason[:300], by=user)
    return crypto.decrypt(cipher)


@transaction.atomic
def remove_on_request(talent: Talent, reason: str, user) -> None:
    """删除 at the person's request (第四十七条): the record, its consents and disclosures go; one audit
    entry remains, naming the masked number, the reason and who removed it, and nothing else about
    the person."""
    if not can_manage_talent(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写删除依据（如本人申请的日期和方式）")
    lock_chain()
    pk, masked = talent.pk, talent.id_masked
    talent.achievements.clear()
    talent.projects.clear()
    # Through the queryset, not AuditedModel.delete: its entry would copy the person's details into the
    # trail, which the removal is meant to end.
    Talent._base_manager.filter(pk=pk).delete()
    append([PendingEntry(
        AuditAction.DELETE, object_type_of(Talent), str(pk), f"已按本人申请删除（{masked}）",
        {"removed_on_request": [None, reason[:300]], "id_masked": [masked, None]},
    )])


def record_consent(talent: Talent, user, **values) -> Consent:
    if not can_manage_talent(user):
        raise PermissionDenied
    with transaction.atomic():
        lock_chain()
        consent = Consent(talent=talent, recorded_by=user, **values)
        consent.full_clean(exclude=["talent", "recorded_by"])
        consent.save()
    return consent


def withdraw_consent(consent: Consent, user) -> Consent:
    """个人信息保护法 第十五条: consent may be withdrawn; the date is kept, the purpose ends with it."""
    if not can_manage_talent(user):
        raise PermissionDenied
    if consent.withdrawn_on is not None:
        raise ValidationError("该同意已撤回")
    with transaction.atomic():
        lock_chain()
        consent.withdrawn_on = max(clock.today(), consent.given_on)
        consent.save()
    return consent


# --- the guidance directory ---------------------------------------------------------------------


def submit_demand(edition: Edition, enterprise, user, **values) -> EmployerDemand:
    if not can_submit_demand(user, enterprise):
        raise PermissionDenied
    if edition.state != EditionState.COLLECTING:
        raise ValidationError("该年度指导目录已发布，不再征集需求")
    today = clock.today()
    if edition.collect_until and today > edition.collect_until:
        raise ValidationError(f"需求征集已于 {edition.collect_until.isoformat()} 截止")
    with transaction.atomic():
        lock_chain()
        demand = EmployerDemand(edition=edition, enterprise=enterprise, submitted_by=user, submitted_on=today, **values)
        demand.full_clean(exclude=["edition", "enterprise", "submitted_by"])
        demand.save()
    return demand


@transaction.atomic
def rows_from_demands(edition: Edition, user) -> int:
    """Adds a directory row per (field, industry, position) the collected demand names that the edition
    has no row for yet, wanting what the employers asked for in total; returns how many were added."""
    if not can_manage_talent(user):
        raise PermissionDenied
    lock_chain()
    existing = set(edition.rows.values_list("field_id", "industry_id", "position"))
    totals = (
        edition.demands.values("field_id", "enterprise__industry_id", "position")
        .annotate(wanted=Sum("wanted"), profile=Count("id"))
        .order_by("field_id", "enterprise__industry_id", "position")
    )
    added = 0
    for total in totals:
        key = (total["field_id"], total["enterprise__industry_id"], total["position"])
        if key in existing:
            continue
        DirectoryRow.objects.create(
            edition=edition, field_id=key[0], industry_id=key[1], position=key[2], wanted=total["wanted"],
            profile=f"据 {total['profile']} 家次用人单位需求汇总",
        )
        added += 1
    return added


@transaction.atomic
def publish(edition: Edition, user) -> Edition:
    if not can_manage_talent(user):
        raise PermissionDenied
    if not edition.rows.exists():
        raise ValidationError("指导目录没有任何条目，不能发布")
    lock_chain()
    edition.state, edition.published_on = EditionState.PUBLISHED, clock.today()
    edition.save()
    return edition


@dataclass
class Gap:
    row: DirectoryRow
    on_record: int

    @property
    def gap(self) -> int:
        return max(self.row.wanted - self.on_record, 0)

    @property
    def filled(self) -> float:
        return min(self.on_record / self.row.wanted, 1.0)


def gaps(edition: Edition, talents=None) -> list[Gap]:
    """Each row of the directory against the talent on record in the district that fits it: the row's
    field (or a field under it), its industry (or one under it) when it names one, its programme and
    minimum education when it names them. One grouped query, however many people.

    The groups are tallied once by the field and industry prefixes the rows name, so each row reads only
    the groups under its own field and industry (a directory of 140 rows against 2,000 groups was 280,000
    comparisons, a second of the talent map at 20,000 enterprises)."""
    talents = Talent.objects.in_district() if talents is None else talents
    groups = list(
        talents.on_record(dt.date(edition.year, 12, 31))
        .values("field_id", "employer__industry_id", "level__programme_id", "education")
        .annotate(people=Count("id")).order_by()
    )
    rows = list(edition.rows.select_related("field", "industry", "programme"))
    shapes = {(len(row.field_id), len(row.industry_id or "")) for row in rows}
    tallies = {shape: defaultdict(Counter) for shape in shapes}
    for group in groups:
        field, industry = group["field_id"] or "", group["employer__industry_id"] or ""
        for field_length, industry_length in shapes:
            under = (field[:field_length], industry[:industry_length])
            tallies[(field_length, industry_length)][under][(group["level__programme_id"], group["education"])] += group["people"]

    def on_record(row) -> int:
        under = tallies[(len(row.field_id), len(row.industry_id or ""))].get((row.field_id, row.industry_id or ""), {})
        return sum(people for (programme, education), people in under.items()
                   if (not row.programme_id or programme == row.programme_id)
                   and (not row.education or EDUCATION_RANK[education] <= EDUCATION_RANK[row.education]))

    return [Gap(row, on_record(row)) for row in rows]

