"""Every write to the pipeline. Each operation takes many enrollments at once, checks them all before
writing any, and writes them in one transaction, so a bulk action on a hundred enterprises either
happens to all of them or to none; a single card is the same call with one row."""
import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core import clock, workflow
from kechuang.core.audit import lock_chain, record_all_created, record_all_updated, snapshot
from kechuang.core.permissions import is_officer
from kechuang.cultivation import screening
from kechuang.cultivation.choices import Stage, Tier
from kechuang.cultivation.models import CultivationAction, Enrollment, ratio
from kechuang.cultivation.permissions import can_manage
from kechuang.cultivation.workflow import ENROLLMENT, OPEN_STAGES, STAGE_DATE_FIELD
from kechuang.registry.models import Certificate

SYSTEM = None  # `by=SYSTEM`: a move the platform makes itself (certificate auto-detection)


def _today() -> dt.date:
    return clock.today()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change the cultivation pipeline."))


def _last_stage_date(row: Enrollment) -> dt.date:
    return max(d for d in (getattr(row, field) for field in STAGE_DATE_FIELD.values()) if d is not None)


def _locked(enrollments: Iterable) -> list[Enrollment]:
    """The rows, locked for the rest of the transaction so that two officers moving the same card
    cannot both succeed."""
    pks = {getattr(item, "pk", item) for item in enrollments}
    if not pks:
        raise ValidationError(_("Select at least one enterprise."))
    lock_chain()  # before the rows, as every audited writer takes it (see core.audit.lock_chain)
    rows = list(Enrollment.objects.select_for_update(of=("self",)).select_related("enterprise").filter(pk__in=pks).order_by("pk"))
    if len(rows) != len(pks):
        raise ValidationError(_("Some of the selected records no longer exist; reload the page."))
    return rows


def _save(rows: list[Enrollment], before: dict, fields: list[str]) -> None:
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    Enrollment.objects.bulk_update(rows, [*fields, "updated_at"])
    record_all_updated(rows, before)


def _check_officer(officer) -> None:
    if not is_officer(officer):
        raise ValidationError(_("Choose an active S&T bureau officer as the officer in charge."))


def _apply(rows: list[Enrollment], transition_name: str, on: dt.date, by, comment: str = "", **fields) -> None:
    """Move locked rows along one declared transition; refuses all of them if any one may not move."""

    def dated_too_early(row):
        if on < _last_stage_date(row):
            yield _("the date %(date)s is before the previous stage (%(previous)s).") % {
                "date": on, "previous": _last_stage_date(row)
            }

    target = ENROLLMENT.get(transition_name).target
    workflow.move_all(
        ENROLLMENT, rows, transition_name, by, comment, also_refuse=dated_too_early,
        **{STAGE_DATE_FIELD[target]: on}, **fields,
    )


def move(enrollments: Iterable, transition_name: str, by, on: dt.date | None = None, comment: str = "", **fields) -> list[Enrollment]:
    _require(ENROLLMENT.get(transition_name).permits(by, None))
    with transaction.atomic():
        rows = _locked(enrollments)
        _apply(rows, transition_name, on or _today(), by, comment, **fields)
    return rows


def select_candidates(enterprises: Iterable, tier: str, year: int, by, on: dt.date | None = None) -> list[Enrollment]:
    """遴选: put enterprises into the tier's pipeline as candidates, keeping what the latest screening
    said about them (score, gaps) on the card."""
    _require(can_manage(by))
    enterprises = list(enterprises)
    if not enterprises:
        raise ValidationError(_("Select at least one enterprise."))
    if tier not in Tier.values:
        raise ValidationError(_("Unknown tier."))
    on = on or _today()
    with transaction.atomic():
        already = set(
            Enrollment.objects.open().for_tier(tier).filter(enterprise__in=enterprises).values_list("enterprise__name", flat=True)
        )
        if already:
            raise ValidationError(
                [_("%(enterprise)s is already in this tier's pipeline.") % {"enterprise": name} for name in sorted(already)]
            )
        results = screening.latest_by_enterprise(tier, [e.pk for e in enterprises], on)
        rows = []
        for enterprise in enterprises:
            result = results.get(enterprise.pk)
            rows.append(
                Enrollment(
                    enterprise=enterprise,
                    tier=tier,
                    year=year,
                    stage=Stage.CANDIDATE,
                    candidate_on=on,
                    screened_on=result.as_of if result else None,
                    score=result.score if result else None,
                    score_min=result.score_min if result else None,
                    score_max=result.score_max if result else None,
                    gap_count=result.gap_count if result else None,
                    gaps=[gap["message"] for gap in result.gaps] if result else [],
                )
            )
        try:
            with transaction.atomic():
                Enrollment.objects.bulk_create(rows)
        except IntegrityError:
            raise ValidationError(_("Another officer has just selected one of these enterprises; reload the page."))
        # bulk_create sets primary keys on both databases we run on, so the audit can name each row.
        record_all_created(rows)
    return rows


def enrol(enrollments: Iterable, officer, by, on: dt.date | None = None) -> list[Enrollment]:
    """入库, with the officer in charge."""
    _check_officer(officer)
    return move(enrollments, "enrol", by, on, officer=officer)


def select_and_enrol(enterprises: Iterable, tier: str, year: int, officer, by, on: dt.date | None = None):
    _check_officer(officer)
    with transaction.atomic():
        return enrol(select_candidates(enterprises, tier, year, by, on), officer, by, on)


def assign_officer(enrollments: Iterable, officer, by) -> list[Enrollment]:
    _require(can_manage(by))
    _check_officer(officer)
    with transaction.atomic():
        rows = _locked(enrollments)
        closed = [row.enterprise.name for row in rows if row.stage not in OPEN_STAGES]
        if closed:
            raise ValidationError(
                [_("%(enterprise)s has left the pipeline; its officer is no longer assigned.") % {"enterprise": n} for n in closed]
            )
        before = {row.pk: snapshot(row) for row in rows}
        for row in rows:
            row.officer = officer
        _save(rows, before, ["officer"])
    return rows


def log_action(enrollments: Iterable, kind: str, date: dt.date, note: str, by) -> list[CultivationAction]:
    """培育: record a visit, briefing, voucher or training for each enrollment; the first one moves an
    enrolled enterprise to 培育."""
    _require(can_manage(by) and ENROLLMENT.get("cultivate").permits(by, None))
    if date > _today():
        raise ValidationError(_("An action cannot be dated in the future."))
    with transaction.atomic():
        rows = _locked(enrollments)
        errors = [
            _("%(enterprise)s: actions are logged only for enrolled enterprises (stage “%(stage)s”).")
            % {"enterprise": row.enterprise.name, "stage": row.get_stage_display()}
            for row in rows
            if row.stage not in (Stage.ENROLLED, Stage.CULTIVATING)
        ] + [
            _("%(enterprise)s: the action date %(date)s is before enrolment (%(enrolled)s).")
            % {"enterprise": row.enterprise.name, "date": date, "enrolled": row.enrolled_on}
            for row in rows
            if row.enrolled_on and date < row.enrolled_on
        ]
        if errors:
            raise ValidationError(errors)
        starting = [row for row in rows if row.stage == Stage.ENROLLED]
        if starting:
            _apply(starting, "cultivate", date, by)
        actions = CultivationAction.objects.bulk_create(
            CultivationAction(enrollment=row, kind=kind, date=date, note=note, officer=by) for row in rows
        )
        record_all_created(actions)
    return actions


def exit_pipeline(enrollments: Iterable, reason: str, by, on: dt.date | None = None) -> list[Enrollment]:
    """退出, always with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for leaving the pipeline."))
    return move(enrollments, "exit", by, on, comment=reason)


def _recognising(enterprise, tier, enrolled_on):
    """Registry certificates that recognise an enrollment: the enterprise's own, of the tier's kind,
    issued on or after its enrolment, and not already recognising another enrollment. The arguments
    are values or, for a subquery, OuterRef()s."""
    return Certificate.objects.filter(enterprise_id=enterprise, kind=tier, issued__gte=enrolled_on, enrollment__isnull=True)


def matching_certificates(enrollment: Enrollment):
    if enrollment.enrolled_on is None:
        return Certificate.objects.none()
    return _recognising(enrollment.enterprise_id, enrollment.tier, enrollment.enrolled_on).order_by("issued", "pk")


def record_certificate(enrollment: Enrollment, certificate: Certificate, by) -> Enrollment:
    """认定: link the registry certificate. The recognition date is the certificate's issue date, or the
    previous stage's date when cultivation was logged after the certificate had been issued."""
    if not matching_certificates(enrollment).filter(pk=certificate.pk).exists():
        raise ValidationError(
            _("%(certificate)s does not recognise %(enterprise)s in this tier.")
            % {"certificate": certificate, "enterprise": enrollment.enterprise.name}
        )
    on = max(certificate.issued, _last_stage_date(enrollment))
    try:
        with transaction.atomic():
            return move([enrollment], "recognise", by, on, certificate=certificate)[0]
    except IntegrityError:
        raise ValidationError(_("This certificate has just been linked to another enrollment; reload the page."))


def detect_recognitions(tier: str | None = None) -> list[Enrollment]:
    """Link every enrolled or cultivating enterprise to a matching certificate that has since been
    recorded in the registry (the refresh officers run, and the nightly command)."""
    # Only the enrollments that have a certificate waiting are read: one query however large the pool.
    waiting = Exists(_recognising(OuterRef("enterprise_id"), OuterRef("tier"), OuterRef("enrolled_on")))
    queryset = Enrollment.objects.filter(waiting, stage__in=(Stage.ENROLLED, Stage.CULTIVATING)).select_related("enterprise")
    if tier:
        queryset = queryset.for_tier(tier)
    recognised = []
    for enrollment in queryset:
        certificate = matching_certificates(enrollment).first()
        if certificate is not None:
            recognised.append(record_certificate(enrollment, certificate, SYSTEM))
    return recognised


def conversion_rates(tier: str) -> dict:
    """Observed rates for the plan's forecasts, from every enrollment of the tier so far. Only decided
    cases count: a candidate still waiting is neither a success nor a failure yet.

    - enrolment: of the candidates that were decided (enrolled, or exited before enrolment), the share enrolled;
    - recognition: of the enrolled enterprises that left the pipeline (recognised or exited), the share recognised;
    - overall: the product of the two, the expected share of a new candidate that ends up recognised.
    """
    rows = Enrollment.objects.for_tier(tier)
    enrolled = rows.filter(enrolled_on__isnull=False).count()
    dropped_as_candidates = rows.filter(enrolled_on__isnull=True, exited_on__isnull=False).count()
    recognised = rows.filter(recognised_on__isnull=False).count()
    exited_after_enrolment = rows.filter(enrolled_on__isnull=False, exited_on__isnull=False).count()
    enrolment = ratio(enrolled, enrolled + dropped_as_candidates)
    recognition = ratio(recognised, recognised + exited_after_enrolment)
    return {
        "tier": tier,
        "enrolment": enrolment,
        "recognition": recognition,
        "overall": round(enrolment * recognition, 4) if enrolment is not None and recognition is not None else None,
        "decided_candidates": enrolled + dropped_as_candidates,
        "decided_enrolled": recognised + exited_after_enrolment,
    }


def pipeline_counts(tier: str, as_of: dt.date) -> dict:
    """How many enterprises of the tier stood at each open stage on `as_of`."""
    rows = Enrollment.objects.for_tier(tier)
    return {
        "candidates": rows.in_stage_on(Stage.CANDIDATE, as_of).count(),
        "enrolled": rows.in_stage_on(Stage.ENROLLED, as_of).count(),
        "cultivating": rows.in_stage_on(Stage.CULTIVATING, as_of).count(),
    }
