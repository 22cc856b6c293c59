"""Every write of the listing pool, innovation finance and innovation points: in a transaction, audited,
refusing bad input with a Chinese message that names the field and writing nothing then."""
from __future__ import annotations


from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core import clock
from kechuang.core.audit import lock_chain, record_bulk
from kechuang.core.workflow import move
from kechuang.finance import points
from kechuang.finance.listing import insert_rows
from kechuang.finance.choices import (DEFAULT_TIER, FORM_PRODUCTS, STAGE_ORDER, Board, FinancingForm,
                                      ListingStage)
from kechuang.finance.models import (FinancingDemand, FollowUp, FundInvestment, ListingEntry, Milestone, PointsRun,
                                     PointsScore, StageRecord)
from kechuang.finance.workflows import DEMAND, STAGE, backward_name, forward_name


def positive_amount(value, field: str) -> Decimal:
    """A money figure in 万元 that must be above zero, or a ValidationError naming `field`."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount in 10k yuan.")}) from None
    if amount <= 0:
        raise ValidationError({field: _("The amount must be greater than 0 (10k yuan).")})
    if amount >= Decimal("1e14"):
        raise ValidationError({field: _("The amount is too large.")})
    return amount


def _not_future(date, field="date"):
    date = date or clock.today()
    if date > clock.today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return date


# ---- listing reserve pool ---------------------------------------------------------------------------------

def add_to_pool(enterprise, board: str, user, entered_on=None, **details) -> ListingEntry:
    if board not in Board.values:
        raise ValidationError({"board": _("Choose a target board.")})
    entered_on = _not_future(entered_on, "entered_on")
    if ListingEntry.objects.filter(enterprise=enterprise).exists():
        raise ValidationError({"enterprise": _("This enterprise is already in the listing pool.")})
    with transaction.atomic():
        lock_chain()
        entry = ListingEntry(enterprise=enterprise, board=board, entered_on=entered_on, stage_on=entered_on,
                             stage=ListingStage.ENTERED, tier=details.pop("tier", None) or DEFAULT_TIER[ListingStage.ENTERED],
                             officer=details.pop("officer", None) or user, **details)
        entry.full_clean()
        entry.save()
        StageRecord.objects.create(entry=entry, stage=ListingStage.ENTERED, date=entered_on, by=user)
    return entry


def stage_transition(entry, stage: str) -> str:
    """The declared transition that takes `entry` to `stage`: forward to a later stage, back to an earlier one."""
    if stage == ListingStage.EXITED:
        return "exit"
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("Unknown stage.")})
    if entry.stage == ListingStage.EXITED or STAGE_ORDER.index(stage) < STAGE_ORDER.index(entry.stage):
        return backward_name(stage)
    if stage == entry.stage:
        raise ValidationError({"stage": _("The entry is already at this stage.")})
    return forward_name(stage)


def move_stage(entry, stage: str, user, date=None, reason: str = "", tier: str | None = None) -> ListingEntry:
    """Move a pool entry to `stage` on `date`; backward (and leaving the pool) needs a reason. The tier
    follows the stage's default unless one is given."""
    name = stage_transition(entry, stage)
    date = _not_future(date)
    if date < entry.stage_on:
        raise ValidationError({"date": _("The date cannot be before the date of the current stage (%(date)s).")
                                       % {"date": entry.stage_on}})
    previous = entry.stage
    changes = {"stage_on": date}
    if stage != ListingStage.EXITED:
        changes["tier"] = tier or DEFAULT_TIER[stage]
    with transaction.atomic():
        move(STAGE, entry, name, user, comment=reason, **changes)
        StageRecord.objects.create(entry=entry, from_stage=previous, stage=stage, date=date, reason=(reason or "").strip(), by=user)
    return entry


def save_entry(form, user) -> ListingEntry:
    """The entry's details and the listing figures the registry lacks, from a valid FiguresForm."""
    with transaction.atomic():
        lock_chain()
        return form.save()


def record_follow_up(entry, need: str, handler: str, user, raised_on=None) -> FollowUp:
    if not (need or "").strip():
        raise ValidationError({"need": _("Describe the need raised.")})
    if not (handler or "").strip():
        raise ValidationError({"handler": _("Say who handles it.")})
    with transaction.atomic():
        lock_chain()
        return FollowUp.objects.create(entry=entry, need=need.strip(), handler=handler.strip(),
                                       raised_on=_not_future(raised_on, "raised_on"))


def resolve_follow_up(follow_up, resolution: str, user, resolved_on=None) -> FollowUp:
    resolved_on = _not_future(resolved_on, "resolved_on")
    if follow_up.resolved_on is not None:
        raise ValidationError(_("This need is already resolved."))
    if resolved_on < follow_up.raised_on:
        raise ValidationError({"resolved_on": _("A need cannot be resolved before it was raised.")})
    with transaction.atomic():
        lock_chain()
        follow_up.resolved_on, follow_up.resolution = resolved_on, (resolution or "").strip()
        follow_up.save()
    return follow_up


def add_milestone(entry, title: str, user, due_on=None, done_on=None) -> Milestone:
    if not (title or "").strip():
        raise ValidationError({"title": _("Name the milestone.")})
    with transaction.atomic():
        lock_chain()
        return Milestone.objects.create(entry=entry, title=title.strip(), due_on=due_on,
                                        done_on=_not_future(done_on, "done_on") if done_on else None)


# ---- funds --------------------------------------------------------------------------------------------------

def record_fund_investment(fund, enterprise, amount, user, date=None, name: str = "") -> FundInvestment:
    """A fund's investment into a registry firm: written as the registry's equity-investment record, and linked."""
    from kechuang.registry.models import Investment

    amount = positive_amount(amount, "amount")
    date = _not_future(date)
    with transaction.atomic():
        lock_chain()
        investment = Investment.objects.create(enterprise=enterprise, date=date, amount=amount, investor=fund.name,
                                               name=name or fund.name)
        return FundInvestment.objects.create(fund=fund, investment=investment)


# ---- financing demands -------------------------------------------------------------------------------------

def post_demand(enterprise, amount, form: str, purpose: str, user, term_months=None, description: str = "",
                posted_on=None) -> FinancingDemand:
    amount = positive_amount(amount, "amount")
    if form not in FinancingForm.values:
        raise ValidationError({"form": _("Choose the form of financing.")})
    demand = FinancingDemand(enterprise=enterprise, amount=amount, form=form, purpose=purpose, term_months=term_months,
                             description=(description or "").strip(), posted_on=_not_future(posted_on, "posted_on"))
    demand.full_clean()
    with transaction.atomic():
        lock_chain()
        demand.save()
    return demand


def recommend(demand, user, product=None, fund=None) -> FinancingDemand:
    """推荐: the bureau recommends a product (debt) or a fund (equity) to the demand."""
    if product is None and fund is None:
        raise ValidationError(_("Choose a product or a fund to recommend."))
    if product is not None and product.kind not in FORM_PRODUCTS[demand.form]:
        raise ValidationError({"product": _("This product does not serve this form of financing.")})
    if fund is not None and demand.form == FinancingForm.DEBT:
        raise ValidationError({"fund": _("A fund invests equity; this demand seeks debt.")})
    return move(DEMAND, demand, "recommend", user, product=product, fund=fund)


def advance(demand, name: str, user, comment: str = "") -> FinancingDemand:
    return move(DEMAND, demand, name, user, comment=comment)


def fund_demand(demand, amount, user, date=None) -> FinancingDemand:
    """放款/投资: the amount granted or invested, which feeds the financing statistics."""
    amount = positive_amount(amount, "funded_amount")
    return move(DEMAND, demand, "fund", user, funded_amount=amount, funded_on=_not_future(date, "funded_on"))


# ---- innovation points ----------------------------------------------------------------------------------

def compute_points(year: int, enterprises=None) -> PointsRun:
    """Score every enterprise of the district for `year` (replacing that year's scores) and rank them."""
    from kechuang.registry.models import Enterprise

    if year > clock.today().year:
        raise ValidationError({"year": _("Innovation points are computed for past or current years only.")})
    qs = enterprises if enterprises is not None else Enterprise.objects.in_district()
    frame = points.compute(year, qs)
    sys = points.system()
    with transaction.atomic():
        lock_chain()
        PointsRun.objects.filter(year=year).delete()
        run = PointsRun.objects.create(year=year, computed_at=timezone.now(), enterprises=frame.height,
                                       system_version=sys.version, checksum=sys.checksum)
        d = points.to_decimal
        insert_rows(PointsScore, ("run_id", "enterprise_id", "year", "stage", "total", "technology", "growth", "auxiliary",
                                  "deduction", "rank"),
                    [(run.pk, pk, year, stage, d(total), d(tech), d(growth), d(aux), d(deduction), rank)
                     for pk, stage, total, tech, growth, aux, deduction, rank in frame.select(
                         "id", "stage", "total", "technology", "growth", "auxiliary", "deduction", "rank").iter_rows()])
        record_bulk(PointsRun, [("update", str(run.pk), str(run), None, {"scores": frame.height})])
    return run


def points_explanation(enterprise, year: int) -> dict | None:
    """One enterprise's points for `year`, indicator by indicator, with its stored rank."""
    from kechuang.registry.models import Enterprise

    frame = points.compute(year, Enterprise.objects.filter(pk=enterprise.pk))
    if frame.height == 0:
        return None
    row = frame.row(0, named=True)
    stored = PointsScore.objects.filter(enterprise=enterprise, year=year).first()
    row["rank"] = stored.rank if stored else None
    result = points.explanation(row)
    result["year"] = year
    result["ranked"] = PointsRun.objects.filter(year=year).values_list("enterprises", flat=True).first()
    return result


