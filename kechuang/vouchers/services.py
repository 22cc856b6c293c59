"""Every write of the voucher programme. Views, the API, commands and the demo call these; each one
validates, writes in one transaction and refuses with a message in Chinese, writing nothing.

Money: a claim's subsidy is min(fee × ratio, cap per claim), to the cent. Approval reserves it, whole,
on two ledger accounts at once — the scheme's budget and the enterprise's cap in that scheme — or is
refused with the figures. Redemption fixes what is due, min(reserved, fee paid × ratio), and returns the
rest of the reservation; payment turns the due amount from reserved into paid. An approval not redeemed
within the scheme's `claim_valid_days` expires and frees its reservation.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kechuang.core import clock, ledger
from kechuang.core.ledger import EntryKind, LedgerRefused, Posting, to_money
from kechuang.core.workflow import check, move
from kechuang.cultivation.choices import Stage, Tier
from kechuang.cultivation.models import Enrollment
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate, Enterprise
from kechuang.vouchers import permissions as perms
from kechuang.vouchers.choices import ALL_CATEGORIES, INSTRUMENT_CATEGORY, RESERVING_STATES, ClaimState
from kechuang.vouchers.models import Booking, Claim, Provider, Rating, Scheme, Service
from kechuang.vouchers.workflows import CLAIM, PROVIDER

# Larger than any service fee a district pays for; keeps amounts inside the money columns.
MAX_FEE = Decimal("1000000")
# "firms enrolled or cultivating" (the 高企券 reads the pipeline literally: a mere candidate is not yet in it)
ACTIVE_PIPELINE = (Stage.ENROLLED, Stage.CULTIVATING)


def _reference(claim: Claim) -> str:
    return claim.ledger_reference


def claim_number(scheme: Scheme, serial: int) -> str:
    return f"{scheme.code}-{serial:05d}"


def parse_fee(value, field: str = "fee") -> Decimal:
    try:
        fee = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("The fee must be a number of 10k yuan.")}) from None
    if not fee.is_finite() or fee <= 0:
        raise ValidationError({field: _("The fee must be above zero.")})
    if fee > MAX_FEE:
        raise ValidationError({field: _("The fee may be at most %(max)s 10k yuan.") % {"max": MAX_FEE}})
    return to_money(fee)


def subsidy_for(scheme: Scheme, fee: Decimal) -> Decimal:
    return to_money(min(fee * scheme.subsidy_ratio, scheme.cap_per_claim))


def ineligibility(scheme: Scheme, enterprise: Enterprise, on: dt.date) -> list[str]:
    """Why `enterprise` may not claim on `scheme` on `on` (empty when it may)."""
    reasons = []
    if scheme.eligible_in_district and not Enterprise.objects.in_district().filter(pk=enterprise.pk).exists():
        reasons.append(_("The enterprise is not registered in the district (or has moved out)."))
    if scheme.eligible_certificates:
        held = Certificate.objects.valid_on(on).filter(enterprise=enterprise, kind__in=scheme.eligible_certificates)
        if not held.exists():
            names = "、".join(CertificateKind(kind).label for kind in scheme.eligible_certificates)
            reasons.append(_("The scheme requires a valid certificate: %(names)s.") % {"names": names})
    if scheme.eligible_pipeline:
        enrolled = Enrollment.objects.filter(
            enterprise=enterprise, tier__in=scheme.eligible_pipeline, stage__in=ACTIVE_PIPELINE
        )
        if not enrolled.exists():
            tiers = "、".join(str(Tier(tier).label) for tier in scheme.eligible_pipeline)
            reasons.append(_("The scheme is for firms in the cultivation pipeline of: %(tiers)s.") % {"tiers": tiers})
    return reasons


def remaining_cap(scheme: Scheme, enterprise: Enterprise) -> Decimal:
    account = ledger.LedgerAccount.objects.filter(code=scheme.enterprise_account_code(enterprise)).first()
    return scheme.cap_per_enterprise if account is None else account.available


def _enterprise_account(scheme: Scheme, enterprise: Enterprise, by):
    return ledger.open_account(
        scheme.enterprise_account_code(enterprise), f"{scheme.name} · {enterprise.name}", scheme.cap_per_enterprise, by
    )


def file_claim(scheme: Scheme, enterprise: Enterprise, provider: Provider, category: str, fee, by,
               service: Service | None = None, intention: str = "", on: dt.date | None = None) -> Claim:
    on = on or clock.today()
    if not perms.can_file_claim(by, enterprise):
        raise ValidationError({"enterprise": _("You may file claims only for your own enterprise.")})
    fee = parse_fee(fee)
    if not scheme.valid_from <= on <= scheme.valid_to:
        raise ValidationError({"scheme": _("The scheme accepts claims from %(start)s to %(end)s; today is %(today)s.") % {
            "start": scheme.valid_from, "end": scheme.valid_to, "today": on}})
    if category not in scheme.categories:
        raise ValidationError({"category": _("“%(category)s” is not a category of this scheme; it covers: %(allowed)s.") % {
            "category": category, "allowed": "、".join(scheme.categories)}})
    if provider.status != "verified":
        raise ValidationError({"provider": _("%(provider)s is not a verified provider (status: %(status)s).") % {
            "provider": provider.name, "status": provider.get_status_display()}})
    if not provider.offers(category):
        raise ValidationError({"provider": _("%(provider)s does not offer “%(category)s”.") % {
            "provider": provider.name, "category": category}})
    if service is not None and (service.provider_id != provider.pk or service.category != category):
        raise ValidationError({"service": _("The service is not one of this provider's “%(category)s” services.") % {
            "category": category}})
    if scheme.requires_intention and not intention.strip():
        raise ValidationError({"intention": _("This scheme needs the service intention agreed with the provider first.")})
    reasons = ineligibility(scheme, enterprise, on)
    if reasons:
        raise ValidationError({"enterprise": " ".join(reasons)})
    claim = Claim(
        scheme=scheme, enterprise=enterprise, provider=provider, service=service, category=category, fee=fee,
        subsidy=subsidy_for(scheme, fee), intention=intention.strip()[:200], filed_by=by,
        on_behalf=perms.can_manage_vouchers(by), filed_on=on,
    )
    for _attempt in range(5):
        claim.number = claim_number(scheme, Claim.objects.filter(scheme=scheme).count() + 1)
        try:
            with transaction.atomic():
                claim.save()
            return claim
        except IntegrityError:  # another filing took the number at the same moment: take the next
            claim.pk = None
    raise ValidationError(_("Could not number the claim; try again."))


def _cannot_cover(claim: Claim, refused: LedgerRefused) -> ValidationError:
    account = refused.account
    figures = {
        "subsidy": claim.subsidy, "limit": account.limit, "reserved": account.reserved, "paid": account.paid,
        "available": account.available,
    }
    if account.pk == claim.scheme.account_id:
        text = _("The scheme's remaining budget of %(available)s 万元 cannot cover the subsidy of %(subsidy)s 万元 "
                 "(budget %(limit)s, reserved %(reserved)s, paid %(paid)s 万元). Nothing was granted.")
    else:
        text = _("The enterprise has %(available)s 万元 left under its cap in this scheme, less than the subsidy of "
                 "%(subsidy)s 万元 (cap %(limit)s, reserved %(reserved)s, paid %(paid)s 万元). Nothing was granted.")
    error = ValidationError(text % figures, code="cannot_cover")
    error.figures = figures
    return error


def approve(claim: Claim, by, on: dt.date | None = None) -> Claim:
    """Reserve the whole subsidy on the budget and the enterprise's cap, or refuse with the figures."""
    on = on or clock.today()
    check(CLAIM, claim, "approve", by)
    if claim.provider.status != "verified":
        raise ValidationError(_("%(provider)s is %(status)s; its claims cannot be approved.") % {
            "provider": claim.provider.name, "status": claim.provider.get_status_display()})
    if on > claim.scheme.valid_to:
        raise ValidationError(_("The scheme ended on %(end)s.") % {"end": claim.scheme.valid_to})
    with transaction.atomic():
        cap = _enterprise_account(claim.scheme, claim.enterprise, by)
        try:
            ledger.post(
                [Posting(claim.scheme.account, EntryKind.RESERVE, claim.subsidy), Posting(cap, EntryKind.RESERVE, claim.subsidy)],
                _reference(claim), by, note="approval",
            )
        except LedgerRefused as refused:
            raise _cannot_cover(claim, refused) from None
        move(CLAIM, claim, "approve", by, expires_on=on + dt.timedelta(days=claim.scheme.claim_valid_days))
    return claim


def approve_all(claims, by) -> tuple[list[Claim], list[tuple[Claim, str]]]:
    """Bulk approval from the review queue: each claim whole or not at all; the refusals are returned
    with their reasons, the others approved."""
    approved, refused = [], []
    for claim in claims:
        try:
            approved.append(approve(claim, by))
        except ValidationError as error:
            refused.append((claim, " ".join(error.messages)))
    return approved, refused


def reject(claim: Claim, by, reason: str) -> Claim:
    return move(CLAIM, claim, "reject", by, comment=reason)


def withdraw(claim: Claim, by) -> Claim:
    return move(CLAIM, claim, "withdraw", by)


def _release_both(claim: Claim, amount: Decimal, by, note: str) -> None:
    if amount > 0:
        cap = _enterprise_account(claim.scheme, claim.enterprise, by)
        ledger.post(
            [Posting(claim.scheme.account, EntryKind.RELEASE, amount), Posting(cap, EntryKind.RELEASE, amount)],
            _reference(claim), by, note=note,
        )


def redeem(claim: Claim, by, invoice_no: str, fee_paid) -> Claim:
    """The provider (or, for 补助券, the firm) redeems after delivery and full payment of the fee."""
    invoice_no = (invoice_no or "").strip()
    check(CLAIM, claim, "redeem", by)
    if not invoice_no or len(invoice_no) > 40:
        raise ValidationError({"invoice_no": _("Give the invoice number (at most 40 characters).")})
    fee_paid = parse_fee(fee_paid, "fee_paid")
    due = min(claim.subsidy, to_money(fee_paid * claim.scheme.subsidy_ratio))
    try:
        with transaction.atomic():
            _release_both(claim, claim.subsidy - due, by, "redemption: unused reservation returned")
            move(CLAIM, claim, "redeem", by, invoice_no=invoice_no, fee_paid=fee_paid, paid_subsidy=due)
    except IntegrityError:
        raise ValidationError({"invoice_no": _("Invoice %(number)s was already redeemed with this provider.") % {
            "number": invoice_no}}) from None
    return claim


def pay(claim: Claim, by) -> Claim:
    check(CLAIM, claim, "pay", by)
    with transaction.atomic():
        if claim.paid_subsidy:
            cap = _enterprise_account(claim.scheme, claim.enterprise, by)
            for account in sorted((claim.scheme.account, cap), key=lambda a: a.pk):
                ledger.settle(account, claim.paid_subsidy, claim.paid_subsidy, _reference(claim), by, note="payment")
        move(CLAIM, claim, "pay", by)
    return claim


def expire_approvals(as_of: dt.date | None = None) -> int:
    """Approvals past their validity release their reservations; returns how many expired."""
    as_of = as_of or clock.today()
    expired = 0
    for claim in Claim.objects.filter(state=ClaimState.APPROVED, expires_on__lt=as_of).select_related("scheme", "enterprise"):
        with transaction.atomic():
            _release_both(claim, claim.subsidy, None, "approval expired")
            move(CLAIM, claim, "expire", None)
        expired += 1
    return expired


def reserved_now(claim: Claim) -> Decimal:
    return ledger.reserved_for(_reference(claim), claim.scheme.account) if claim.state in RESERVING_STATES else Decimal("0")


def rate(claim: Claim, by, score: int, comment: str = "") -> Rating:
    if not perms.can_rate(by, claim):
        raise ValidationError(_("Only the served enterprise rates a service."))
    if claim.state not in (ClaimState.REDEEMED, ClaimState.PAID):
        raise ValidationError(_("A service is rated once it has been delivered and redeemed."))
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("A rating lies between 1 and 5.")})
    if Rating.objects.filter(claim=claim).exists():
        raise ValidationError(_("This service has already been rated."))
    return Rating.objects.create(claim=claim, score=int(score), comment=comment.strip()[:500], by=by)


# ------------------------------------------------------------------------------------ providers


def apply_as_provider(provider: Provider, by) -> Provider:
    """A provider user's application; it waits as 申请入库 until an officer verifies it."""
    if not perms.uses_provider_workspace(by):
        raise ValidationError(_("Only a service provider's account applies for listing."))
    if perms.provider_of(by) is not None:
        raise ValidationError(_("Your account already belongs to a service provider."))
    if Provider.objects.filter(uscc=provider.uscc).exists():
        raise ValidationError({"uscc": _("A provider with this code is already listed or has applied.")})
    provider.categories = _check_categories(provider.categories)
    provider.status = "applied"
    with transaction.atomic():
        provider.save()
        provider.users.add(by)
    return provider


def set_provider_status(provider: Provider, transition: str, by, reason: str = "") -> Provider:
    return move(PROVIDER, provider, transition, by, comment=reason)


def _check_categories(categories) -> list[str]:
    categories = list(dict.fromkeys(c.strip() for c in categories if c and c.strip()))
    unknown = [c for c in categories if c not in ALL_CATEGORIES]
    if unknown or not categories:
        raise ValidationError({"categories": _("Service categories must be among: %(allowed)s.") % {
            "allowed": "、".join(ALL_CATEGORIES)}})
    return categories


def save_service(service: Service, by) -> Service:
    if not perms.can_keep_catalogue(by, service.provider):
        raise ValidationError(_("Only the provider itself keeps its catalogue."))
    if service.category not in service.provider.categories:
        raise ValidationError({"category": _("%(provider)s is not registered for “%(category)s”.") % {
            "provider": service.provider.name, "category": service.category}})
    if service.is_instrument and service.category != INSTRUMENT_CATEGORY:
        raise ValidationError({"is_instrument": _("Large instruments are listed as 检验检测 services.")})
    service.full_clean()
    service.save()
    return service


def book(service: Service, enterprise: Enterprise, starts_at: dt.datetime, ends_at: dt.datetime, by) -> Booking:
    """Book an instrument's slot; two bookings of one instrument never overlap (the instrument's row is
    locked while the calendar is checked)."""
    if not service.is_instrument:
        raise ValidationError(_("Only large instruments are booked by the hour."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The booking must end after it starts.")})
    if not (perms.can_manage_vouchers(by) or perms.acts_for_enterprise(by, enterprise)):
        raise ValidationError(_("You may book only for your own enterprise."))
    with transaction.atomic():
        Service.objects.select_for_update().get(pk=service.pk)
        clash = Booking.objects.filter(service=service, starts_at__lt=ends_at, ends_at__gt=starts_at).first()
        if clash is not None:
            raise ValidationError(_("The instrument is booked from %(start)s to %(end)s.") % {
                "start": clash.starts_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                "end": clash.ends_at.astimezone().strftime("%Y-%m-%d %H:%M")})
        return Booking.objects.create(service=service, enterprise=enterprise, starts_at=starts_at, ends_at=ends_at, booked_by=by)
