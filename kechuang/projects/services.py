"""Every write of the S&T project programme. Views, the API, commands and the demo call these; each one
validates first, writes in one transaction and refuses with a message in Chinese, writing nothing.

Money, all through kechuang.core.ledger: a call's budget is an account; the decision to approve (立项)
reserves the award on it under the application's reference; the project's own account has the award as
its limit. A payment is released only once its milestone is accepted: it releases the reservation and
pays on the call's budget and pays on the project's account in one posting, so neither the budget nor
the award can be exceeded. Termination refunds what is recovered on both and frees what is still
reserved; an acceptance that closes the project (结题 or 不通过) frees the rest of the reservation.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core import clock, ledger
from kechuang.core.audit import lock_chain, record_all_updated, record_bulk, record_updated, snapshot
from kechuang.core.choices import AuditAction
from kechuang.core.ledger import EntryKind, LedgerRefused, Posting, to_money
from kechuang.core.notifications import notify
from kechuang.core.scoring import Criterion, Party, aggregate, check_criteria, check_scores, conflict_of_interest, rank, weighted_total
from kechuang.core.uploads import validate_upload
from kechuang.core.workflow import check, move
from kechuang.projects import permissions as perms
from kechuang.projects.choices import (
    AcceptanceResult, Answer, ApplicationState, AssignmentState, CallState, ChangeKind, CheckResult,
    CollectionKind, CostCategory, IndicatorKind, MilestoneKind, MilestoneState, OutcomeKind, ProjectState,
    ReportState, TargetPopulation,
)
from kechuang.projects.models import (
    Application, Assignment, Attachment, BudgetLine, Call, CoApplicant, CollectionRound, CollectionSubmission,
    CollectionTarget, Expert, Indicator, Milestone, Objection, Outcome, PanelMeeting, ProgressReport, Project,
    ProjectChange, ProjectCheck,
)
from kechuang.projects.workflows import APPLICATION, CALL, CHANGE, PROJECT, REPORT
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty, Standard
from kechuang.techmarket import services as market
from kechuang.techmarket.choices import InstitutionKind, SolutionMode
from kechuang.techmarket.models import Achievement, Demand, Institution, TechContract

ZERO = Decimal("0")
MAX_AMOUNT = Decimal("1000000")
# A returned application may be corrected and submitted again within this many days of its return,
# also after the call's deadline (unverified: the guides we hold do not state a correction period).
CORRECTION_DAYS = 5
# Progress reports are due every this many months of a project (unverified: 半年报 is the common habit).
REPORT_MONTHS = 6
# Reminders of a report go out this many days before it is due.
REPORT_REMIND_DAYS = 7


def _money(value, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("%(label)s must be a number of 万元; “%(value)s” was given.") % {
            "label": label, "value": value}}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError({field: _("%(label)s must lie between 0 and %(max)s 万元; %(value)s was given.") % {
            "label": label, "max": MAX_AMOUNT, "value": value}})
    return to_money(amount)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


# ------------------------------------------------------------------------------------------ calls


def check_call_data(bands, criteria, schedule, form_fields=(), attachments=()) -> None:
    """A call's bands, criteria and payment schedule as data a call can be run with."""
    if not bands:
        raise ValidationError({"bands": _("A call needs at least one support band.")})
    for index, band in enumerate(bands, start=1):
        try:
            minimum, maximum = Decimal(str(band["minimum"])), Decimal(str(band["maximum"]))
            share, per_firm = Decimal(str(band["share"])), Decimal(str(band["per_firm"]))
        except (KeyError, InvalidOperation, TypeError):
            raise ValidationError({"bands": _("Band %(row)s needs a minimum, a maximum, a share and a maximum per firm, as numbers.") % {
                "row": index}}) from None
        if not (0 <= minimum <= maximum and 0 < share <= 1 and per_firm > 0):
            raise ValidationError({"bands": _("Band %(row)s: 0 ≤ minimum ≤ maximum, 0 < share ≤ 1 and a positive maximum per firm are needed.") % {
                "row": index}})
    check_criteria([Criterion.from_data(item) for item in criteria])
    kinds = [item.get("kind") for item in schedule]
    if not schedule or set(kinds) - set(MilestoneKind.values) or len(set(kinds)) != len(kinds):
        raise ValidationError({"payment_schedule": _("The payment schedule lists each of signing, mid-term check and acceptance at most once.")})
    if sum(Decimal(str(item.get("share", 0))) for item in schedule) != 1:
        raise ValidationError({"payment_schedule": _("The shares of the payment schedule must add up to 100%.")})
    keys = [item.get("key") for item in (*form_fields, *attachments)]
    if any(not key for key in keys) or len(set(keys)) != len(keys):
        raise ValidationError({"form_fields": _("Every form field and attachment needs a key of its own.")})


def create_call(by, *, code: str, title: str, programme: str, year: int, budget, opens_on: dt.date, deadline: dt.date,
                bands, criteria, payment_schedule, eligibility=None, form_fields=(), attachments=(), anonymised=False,
                description: str = "", objection_days: int = 7, experts_per_application: int = 5,
                project_months: int = 24) -> Call:
    if not perms.manages_projects(by):
        raise PermissionDenied(_("Only the bureau's officers publish calls."))
    budget = _money(budget, "budget", _("The budget"))
    if deadline < opens_on:
        raise ValidationError({"deadline": _("The deadline cannot come before the opening date.")})
    check_call_data(bands, criteria, payment_schedule, form_fields, attachments)
    if Call.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A call with the code %(code)s exists already.") % {"code": code}})
    with transaction.atomic():
        lock_chain()
        account = ledger.open_account(f"projects.call:{code}", title, budget, by)
        return Call.objects.create(
            code=code, title=title, programme=programme, year=year, budget=budget, opens_on=opens_on, deadline=deadline,
            bands=list(bands), criteria=list(criteria), payment_schedule=list(payment_schedule),
            eligibility=dict(eligibility or {"in_district": True, "certificates": [], "no_serious_dishonesty": True}),
            form_fields=list(form_fields), attachments=list(attachments), anonymised=anonymised, description=description,
            objection_days=objection_days, experts_per_application=experts_per_application,
            project_months=project_months, account=account, created_by=by,
        )


def publish_call(call: Call, by) -> Call:
    return move(CALL, call, "publish", by)


def close_call(call: Call, by) -> Call:
    return move(CALL, call, "close", by)


def ineligibility(call: Call, enterprise: Enterprise | None, on: dt.date | None = None) -> list[str]:
    """Why an applicant may not apply to `call` (empty when it may): the registry's facts read as the
    call's eligibility says. An institution that is not an enterprise is held to none of the enterprise
    conditions, unless the call is for enterprises only."""
    on = on or clock.today()
    rules = call.eligibility or {}
    if enterprise is None:
        return [_("This call is open to enterprises only.")] if rules.get("enterprises_only") else []
    reasons = []
    if rules.get("in_district", True) and not Enterprise.objects.in_district().filter(pk=enterprise.pk).exists():
        reasons.append(_("The enterprise is not registered in the district (or has moved out)."))
    if rules.get("no_serious_dishonesty", True) and enterprise.serious_dishonesty:
        reasons.append(_("The enterprise is on the list of serious dishonesty."))
    kinds = rules.get("certificates") or []
    if kinds and not Certificate.objects.valid_on(on).filter(enterprise=enterprise, kind__in=kinds).exists():
        from kechuang.core.reference import CERTIFICATE_KIND_LABELS

        names = "、".join(CERTIFICATE_KIND_LABELS.get(kind, kind) for kind in kinds)
        reasons.append(_("The call requires a valid certificate: %(names)s.") % {"names": names})
    if rules.get("ruleset"):
        reasons += _ruleset_reasons(enterprise, rules["ruleset"], on)
    return reasons


def _ruleset_reasons(enterprise: Enterprise, key: str, on: dt.date) -> list[str]:
    """The policy engine's verdict on a tier's criteria (e.g. 科技型中小企业 for an SME call), with the
    criteria the enterprise does not meet; 需复核 (a figure missing) is not a refusal."""
    from kechuang.policy.services import evaluate_enterprise

    result = evaluate_enterprise(enterprise, key, on)
    if result["status"] != "ineligible":
        return []
    failed = [c["label"] for c in result["criteria"] if c["passed"] is False][:5]
    return [_("The enterprise does not meet the criteria of rule set %(ruleset)s: %(criteria)s.") % {
        "ruleset": key, "criteria": "、".join(failed)}]


# ------------------------------------------------------------------------------------ applications


def application_number(call: Call, serial: int) -> str:
    return f"{call.code}-{serial:04d}"


def _applicant_of(user, enterprise, institution):
    if enterprise is None and institution is None:
        raise ValidationError(_("Name the enterprise or institution that applies."))
    if not perms.acts_for(user, enterprise, institution if enterprise is None else None):
        raise PermissionDenied(_("You may apply only for your own enterprise or institution."))


def _open_for_applications(call: Call, on: dt.date) -> None:
    if call.state != CallState.OPEN or not call.opens_on <= on:
        raise ValidationError(_("The call “%(call)s” is not open for applications.") % {"call": call.title})
    if on > call.deadline:
        raise ValidationError(_("The call closed on %(deadline)s; applications are no longer accepted (today is %(today)s).") % {
            "deadline": call.deadline, "today": on})


def start_application(call: Call, by, *, title: str, field, leader: str, band: int = 0, enterprise=None,
                      institution=None, on: dt.date | None = None) -> Application:
    on = on or clock.today()
    _applicant_of(by, enterprise, institution)
    _open_for_applications(call, on)
    if not title.strip() or not leader.strip():
        raise ValidationError(_("The project title and its leader are required."))
    if not 0 <= band < len(call.bands):
        raise ValidationError({"band": _("The call has no support band %(band)s.") % {"band": band + 1}})
    reasons = ineligibility(call, enterprise, on)
    if reasons:
        raise ValidationError({"enterprise": reasons})
    application = Application(
        call=call, enterprise=enterprise, institution=None if enterprise else institution, title=title.strip()[:200],
        field=field, leader=leader.strip()[:50], band=band, created_by=by,
    )
    for _attempt in range(5):
        application.number = application_number(call, Application.objects.filter(call=call).count() + 1)
        try:
            with transaction.atomic():
                application.save()
            return application
        except IntegrityError:  # another applicant took the number at the same moment: take the next
            application.pk = None
    raise ValidationError(_("Could not number the application; try again."))


def _editable(application: Application, by) -> None:
    if not perms.can_edit_application(by, application):
        raise PermissionDenied(_("Only the applicant edits its application."))
    if application.state not in (ApplicationState.DRAFT, ApplicationState.RETURNED):
        raise ValidationError(_("The application is “%(state)s” and can no longer be changed.") % {
            "state": application.get_state_display()})


def check_budget(lines: dict, own_funds, requested, total_cost) -> tuple[dict, Decimal, Decimal, Decimal]:
    """The budget table as money: {category: (own, requested)} whose columns add up to the declared
    own funds and requested support, and whose sum is the total cost; otherwise a message that names the
    row, the column and the figures."""
    labels = dict(CostCategory.choices)
    checked = {}
    for category, (own, asked) in lines.items():
        if category not in labels:
            raise ValidationError({"budget": _("Unknown cost category “%(category)s”.") % {"category": category}})
        row = str(labels[category])
        checked[category] = (_money(own, "budget", _("Row “%(row)s”, own funds") % {"row": row}),
                             _money(asked, "budget", _("Row “%(row)s”, support requested") % {"row": row}))
    own_funds = _money(own_funds, "own_funds", _("Own funds"))
    requested = _money(requested, "requested", _("Support requested"))
    total_cost = _money(total_cost, "total_cost", _("Total cost"))
    own_sum = sum((own for own, _asked in checked.values()), ZERO)
    asked_sum = sum((asked for _own, asked in checked.values()), ZERO)
    if own_sum != own_funds:
        raise ValidationError({"budget": _("The own-funds column adds up to %(sum)s 万元, not the %(declared)s 万元 declared.") % {
            "sum": own_sum, "declared": own_funds}})
    if asked_sum != requested:
        raise ValidationError({"budget": _("The support column adds up to %(sum)s 万元, not the %(declared)s 万元 requested.") % {
            "sum": asked_sum, "declared": requested}})
    if own_funds + requested != total_cost:
        raise ValidationError({"budget": _("Own funds %(own)s + support %(asked)s = %(sum)s 万元, not the total cost of %(total)s 万元.") % {
            "own": own_funds, "asked": requested, "sum": own_funds + requested, "total": total_cost}})
    return checked, own_funds, requested, total_cost


def _firm_requests(application: Application) -> Decimal:
    """What the same applicant requests in the call's other live applications."""
    others = Application.objects.filter(call=application.call).exclude(pk=application.pk).exclude(
        state__in=(ApplicationState.WITHDRAWN, ApplicationState.REJECTED, ApplicationState.NOT_APPROVED))
    others = others.filter(enterprise=application.enterprise) if application.enterprise_id else others.filter(
        institution=application.institution)
    return sum(others.values_list("requested", flat=True), ZERO)


def check_band(application: Application, requested: Decimal, total_cost: Decimal) -> None:
    band = application.call.bands[application.band]
    minimum, maximum = Decimal(str(band["minimum"])), Decimal(str(band["maximum"]))
    share, per_firm = Decimal(str(band["share"])), Decimal(str(band["per_firm"]))
    label = band.get("label") or _("band %(n)s") % {"n": application.band + 1}
    if not minimum <= requested <= maximum:
        raise ValidationError({"requested": _("The support requested, %(amount)s 万元, lies outside the band “%(band)s” (%(minimum)s–%(maximum)s 万元).") % {
            "amount": requested, "band": label, "minimum": minimum, "maximum": maximum}})
    if requested > to_money(total_cost * share):
        raise ValidationError({"requested": _("The band “%(band)s” supports at most %(share)s%% of the total cost, %(cap)s 万元; %(amount)s 万元 was requested.") % {
            "band": label, "share": f"{(share * 100).normalize():f}", "cap": to_money(total_cost * share), "amount": requested}})
    elsewhere = _firm_requests(application)
    if elsewhere + requested > per_firm:
        raise ValidationError({"requested": _("An applicant may receive at most %(cap)s 万元 from this call; with %(other)s 万元 requested in its other applications, %(amount)s 万元 is too much.") % {
            "cap": per_firm, "other": elsewhere, "amount": requested}})


def save_application(application: Application, by, *, answers: dict | None = None, budget: dict | None = None,
                     own_funds=None, requested=None, total_cost=None, co_applicants=None) -> Application:
    """Save the draft's form answers, budget table (万元) and co-applicants, all or nothing."""
    _editable(application, by)
    call = application.call
    fields = {item["key"]: item for item in call.form_fields}
    if answers is not None:
        unknown = set(answers) - set(fields)
        if unknown:
            raise ValidationError({"answers": _("The form has no field %(keys)s.") % {"keys": "、".join(sorted(unknown))}})
        for key, value in answers.items():
            limit = int(fields[key].get("max_length", 2000))
            if len(str(value)) > limit:
                raise ValidationError({"answers": _("“%(label)s” may hold at most %(n)s characters.") % {
                    "label": fields[key]["label"], "n": limit}})
    if budget is not None:
        lines, own_funds, requested, total_cost = check_budget(budget, own_funds, requested, total_cost)
        check_band(application, requested, total_cost)
    parties = []
    for index, party in enumerate(co_applicants or [], start=1):
        name, uscc = (party.get("name") or "").strip(), (party.get("uscc") or "").strip().upper()
        if not name:
            raise ValidationError({"co_applicants": _("Co-applicant %(row)s has no name.") % {"row": index}})
        parties.append(CoApplicant(name=name[:200], uscc=uscc[:18]))
    with transaction.atomic():
        lock_chain()
        if answers is not None:
            application.answers = {**application.answers, **{k: str(v) for k, v in answers.items()}}
        if budget is not None:
            application.own_funds, application.requested, application.total_cost = own_funds, requested, total_cost
            for line in application.budget_lines.all():
                line.delete()
            for category, (own, asked) in lines.items():
                BudgetLine.objects.create(application=application, category=category, own_funds=own, requested=asked)
        if co_applicants is not None:
            for party in application.co_applicants.all():
                party.delete()
            for party in parties:
                party.application = application
                party.save()
        application.save()
    return application


def attach(application: Application, by, key: str, upload) -> Attachment:
    """Upload one of the call's required attachments (the same safe-upload rules as evidence); a second
    upload of the same attachment replaces the first."""
    _editable(application, by)
    labels = {item["key"]: item["label"] for item in application.call.attachments}
    if key not in labels:
        raise ValidationError({"key": _("The call asks for no attachment “%(key)s”.") % {"key": key}})
    validate_upload(upload)
    with transaction.atomic():
        lock_chain()
        for old in application.files.filter(key=key):
            old.delete()
        return Attachment.objects.create(application=application, key=key, file=upload, uploaded_by=by)


def missing_for_submission(application: Application) -> list[str]:
    """What the application still lacks: required answers, attachments, a budget table that adds up."""
    missing = [_("Form field “%(label)s”") % {"label": item["label"]} for item in application.call.form_fields
               if item.get("required") and not str(application.answers.get(item["key"], "")).strip()]
    present = set(application.files.values_list("key", flat=True))
    missing += [_("Attachment “%(label)s”") % {"label": item["label"]} for item in application.call.attachments
                if item["key"] not in present]
    if not application.budget_lines.exists() or application.requested <= 0:
        missing.append(_("The budget table"))
    return missing


def submit(application: Application, by, on: dt.date | None = None) -> Application:
    on = on or clock.today()
    check(APPLICATION, application, "submit", by)
    if application.state == ApplicationState.RETURNED:
        if on > application.returned_on + dt.timedelta(days=CORRECTION_DAYS):
            raise ValidationError(_("A returned application must be submitted again within %(days)s days of its return (by %(date)s).") % {
                "days": CORRECTION_DAYS, "date": application.returned_on + dt.timedelta(days=CORRECTION_DAYS)})
        if application.call.state not in (CallState.OPEN, CallState.REVIEW):
            raise ValidationError(_("The call is no longer taking corrections."))
    else:
        _open_for_applications(application.call, on)
    missing = missing_for_submission(application)
    if missing:
        raise ValidationError(_("The application cannot be submitted yet; missing: %(missing)s.") % {"missing": "、".join(missing)})
    lines = {line.category: (line.own_funds, line.requested) for line in application.budget_lines.all()}
    check_budget(lines, application.own_funds, application.requested, application.total_cost)
    check_band(application, application.requested, application.total_cost)
    return move(APPLICATION, application, "submit", by, submitted_on=on)


def withdraw(application: Application, by) -> Application:
    return move(APPLICATION, application, "withdraw", by)


def formal_review(application: Application, by, outcome: str, reason: str = "", on: dt.date | None = None) -> Application:
    """形式审查: complete, returned for correction (once only), or rejected, with the reason."""
    on = on or clock.today()
    if outcome == "return":
        check(APPLICATION, application, "return", by, reason)
        if application.returned_count >= 1:
            raise ValidationError(_("The application was returned once already; it is now complete or rejected."))
        return move(APPLICATION, application, "return", by, comment=reason, where={"returned_count": 0},
                    returned_count=application.returned_count + 1, returned_on=on)
    if outcome not in ("complete", "reject"):
        raise ValidationError(_("The formal review ends in complete, return or reject."))
    return move(APPLICATION, application, outcome, by, comment=reason)


# ------------------------------------------------------------------------------------ expert review


def parties_of(application: Application) -> list[Party]:
    names = {application.applicant_name, application.applicant_uscc} - {""}
    parties = [Party(frozenset(names))]
    parties += [Party(frozenset({p.name, p.uscc} - {""})) for p in application.co_applicants.all()]
    return parties


def conflict_of(expert: Expert, application: Application) -> str | None:
    return conflict_of_interest([expert.employer, expert.employer_uscc], expert.declared_conflicts, parties_of(application))


def assign(application: Application, experts, by) -> list[Assignment]:
    """Assign `experts` to `application`: each of its field and free of conflicts, or nothing is assigned."""
    if not perms.manages_projects(by):
        raise PermissionDenied(_("Only the bureau's officers assign experts."))
    if application.state != ApplicationState.COMPLETE or application.call.state != CallState.REVIEW:
        raise ValidationError(_("Experts are assigned to formally complete applications of a call under review."))
    refusals = []
    for expert in experts:
        reason = conflict_of(expert, application)
        if reason:
            refusals.append(_("%(expert)s: %(reason)s") % {"expert": expert, "reason": reason})
        elif expert.field_id != application.field_id or not expert.active:
            refusals.append(_("%(expert)s is not an active expert of the field “%(field)s”.") % {
                "expert": expert, "field": application.field.name})
    if refusals:
        raise ValidationError(refusals)
    with transaction.atomic():
        lock_chain()
        made = [Assignment.objects.get_or_create(application=application, expert=expert)[0] for expert in experts]
        users = [expert.user for expert in experts if expert.user_id]
        if users:
            notify(users, _("You have an application to review: %(call)s") % {"call": application.call.title},
                   url=made[0].get_absolute_url() if len(made) == 1 else "", key=f"projects.assign:{application.number}")
    return made


def auto_assign(call: Call, by) -> tuple[int, list[str]]:
    """For each complete application, the call's number of experts of its field, free of conflicts,
    least loaded first; returns how many assignments were made and the applications left short."""
    made, short = 0, []
    pool = list(Expert.objects.filter(active=True).annotate(load=Count("assignments")).order_by("load", "name"))
    load = {expert.pk: expert.load for expert in pool}
    applications = call.applications.filter(state=ApplicationState.COMPLETE).select_related(
        "enterprise", "institution__enterprise", "field").prefetch_related("co_applicants", "assignments")
    with transaction.atomic():
        lock_chain()
        for application in applications.order_by("number"):
            have = {a.expert_id for a in application.assignments.all()}
            wanted = call.experts_per_application - len(have)
            candidates = sorted((e for e in pool if e.field_id == application.field_id and e.pk not in have
                                 and conflict_of(e, application) is None), key=lambda e: (load[e.pk], e.name))
            chosen = candidates[:max(wanted, 0)]
            if chosen:
                assign(application, chosen, by)
                for expert in chosen:
                    load[expert.pk] += 1
                made += len(chosen)
            if len(have) + len(chosen) < call.experts_per_application:
                short.append(application.number)
    return made, short


def score(assignment: Assignment, by, scores: dict, comment: str = "") -> Assignment:
    """An expert's scores, each within its criterion's range; the application's aggregate follows."""
    if not perms.reviews(by, assignment):
        raise PermissionDenied(_("Only the assigned expert scores this application."))
    application = assignment.application
    if application.call.state != CallState.REVIEW or application.state != ApplicationState.COMPLETE:
        raise ValidationError(_("The review of this application is closed."))
    criteria = application.call.criterion_list
    checked = check_scores(criteria, scores)
    with transaction.atomic():
        lock_chain()
        assignment.scores = {key: str(value) for key, value in checked.items()}
        assignment.total = weighted_total(criteria, checked)
        assignment.comment = (comment or "").strip()
        assignment.state = AssignmentState.SCORED
        assignment.scored_at = timezone.now()
        assignment.save()
        refresh_score(application)
    return assignment


def refresh_score(application: Application) -> Application:
    result = aggregate(application.assignments.filter(state=AssignmentState.SCORED).values_list("total", flat=True))
    application.score, application.score_method = result.value, result.method if result.count else ""
    application.save()
    return application


def rank_call(call: Call) -> list[tuple[int, Application]]:
    """The call's reviewed applications ranked by aggregate score (ties share a rank), stored on each."""
    applications = list(call.applications.filter(state__in=(ApplicationState.COMPLETE, ApplicationState.APPROVED,
                                                            ApplicationState.NOT_APPROVED)))
    ranked = rank(applications, lambda a: a.score)
    with transaction.atomic():
        lock_chain()
        for position, application in ranked:
            application.rank = position or None
            application.save()
    return ranked


def record_meeting(call: Call, by, held_on: dt.date, minutes: str, experts=()) -> PanelMeeting:
    if not perms.manages_projects(by):
        raise PermissionDenied(_("Only the bureau's officers record panel meetings."))
    if not (minutes or "").strip():
        raise ValidationError({"minutes": _("The minutes may not be empty.")})
    with transaction.atomic():
        lock_chain()
        meeting = PanelMeeting.objects.create(call=call, held_on=held_on, minutes=minutes.strip(), recorded_by=by)
        meeting.experts.set(experts)
    return meeting


def award_reference(application: Application) -> str:
    return f"projects.application:{application.number}"


def decide(application: Application, by, approve: bool, amount=None, reason: str = "") -> Application:
    """立项 with an amount (reserved on the call's budget) or not, with the reason."""
    call = application.call
    if call.state != CallState.REVIEW:
        raise ValidationError(_("Decisions are taken while the call is under review."))
    if not approve:
        return move(APPLICATION, application, "decline", by, comment=reason)
    check(APPLICATION, application, "approve", by)
    amount = _money(amount, "amount", _("The amount awarded"))
    if amount <= 0:
        raise ValidationError({"amount": _("An approved project is awarded an amount above zero.")})
    if amount > application.requested:
        raise ValidationError({"amount": _("The award of %(amount)s 万元 exceeds the %(requested)s 万元 requested.") % {
            "amount": amount, "requested": application.requested}})
    band = call.bands[application.band]
    if amount > Decimal(str(band["maximum"])):
        raise ValidationError({"amount": _("The award of %(amount)s 万元 exceeds the band's maximum of %(maximum)s 万元.") % {
            "amount": amount, "maximum": band["maximum"]}})
    with transaction.atomic():
        lock_chain()
        try:
            ledger.reserve(call.account, amount, award_reference(application), by, note="立项")
        except LedgerRefused as refused:
            raise ValidationError({"amount": _("The call's budget cannot cover %(amount)s 万元: %(detail)s") % {
                "amount": amount, "detail": refused.messages[0]}}) from None
        move(APPLICATION, application, "approve", by, comment=reason, awarded=amount, decision_reason=(reason or "").strip()[:300])
    return application


def publicise(call: Call, by, on: dt.date | None = None) -> Call:
    """公示: the decisions go public for the call's objection period, starting `on`."""
    on = on or clock.today()
    check(CALL, call, "publicise", by)
    undecided = call.applications.filter(state=ApplicationState.COMPLETE).count()
    if undecided:
        raise ValidationError(_("%(n)s complete applications are still undecided.") % {"n": undecided})
    if not call.applications.filter(state=ApplicationState.APPROVED).exists():
        raise ValidationError(_("No application was approved; there is nothing to publish."))
    return move(CALL, call, "publicise", by, publicity_from=on, publicity_until=on + dt.timedelta(days=call.objection_days - 1))


def lodge_objection(call: Call, by, text: str, application: Application | None = None, on: dt.date | None = None) -> Objection:
    on = on or clock.today()
    if call.state != CallState.PUBLICITY or call.publicity_from is None or not call.publicity_from <= on <= call.publicity_until:
        if call.publicity_until and on > call.publicity_until:
            raise ValidationError(_("The public notice ran from %(start)s to %(end)s; objections are no longer accepted.") % {
                "start": call.publicity_from, "end": call.publicity_until})
        raise ValidationError(_("The call's decisions are not under public notice."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Say what the objection is.")})
    if application is not None and application.call_id != call.pk:
        raise ValidationError({"application": _("The application belongs to another call.")})
    return Objection.objects.create(call=call, application=application, text=text.strip(), lodged_on=on, lodged_by=by)


def answer_objection(objection: Objection, by, response: str) -> Objection:
    if not perms.manages_projects(by):
        raise PermissionDenied(_("Only the bureau's officers answer objections."))
    if not (response or "").strip():
        raise ValidationError({"response": _("The response may not be empty.")})
    objection.response = response.strip()
    objection.save()
    return objection


def conclude_publicity(call: Call, by, on: dt.date | None = None) -> list[Project]:
    """After the public notice: the call is decided and each approved application becomes a project
    whose 任务书 is still to sign."""
    on = on or clock.today()
    check(CALL, call, "conclude", by)
    if on <= call.publicity_until:
        raise ValidationError(_("The public notice runs until %(end)s.") % {"end": call.publicity_until})
    open_objections = call.objections.filter(response="").count()
    if open_objections:
        raise ValidationError(_("%(n)s objections have not been answered.") % {"n": open_objections})
    with transaction.atomic():
        lock_chain()
        move(CALL, call, "conclude", by)
        return [_create_project(application, by, on, serial) for serial, application in enumerate(
            call.applications.filter(state=ApplicationState.APPROVED).select_related(
                "enterprise", "institution").order_by("number"), start=1)]


def project_number(application: Application) -> str:
    return f"XM-{application.number}"


def _create_project(application: Application, by, on: dt.date, serial: int) -> Project:
    call = application.call
    number = project_number(application)
    account = ledger.open_account(f"projects.project:{number}", f"{application.title[:150]} · {number}", application.awarded, by)
    ends_on = _add_months(on, call.project_months)
    project = Project.objects.create(
        application=application, call=call, number=number, enterprise=application.enterprise,
        institution=application.institution, title=application.title, leader=application.leader,
        award=application.awarded, starts_on=on, ends_on=ends_on, account=account,
    )
    due = {MilestoneKind.SIGNING: on + dt.timedelta(days=30), MilestoneKind.MID_TERM: _add_months(on, call.project_months // 2),
           MilestoneKind.ACCEPTANCE: ends_on}
    schedule = sorted(call.payment_schedule, key=lambda item: list(MilestoneKind.values).index(item["kind"]))
    paid_out = ZERO
    for order, item in enumerate(schedule, start=1):
        amount = application.awarded - paid_out if order == len(schedule) else to_money(application.awarded * Decimal(str(item["share"])))
        paid_out += amount
        Milestone.objects.create(project=project, order=order, kind=item["kind"], due_on=due[item["kind"]], amount=amount)
    return project


# ------------------------------------------------------------------------------------------ projects


def _open_project(project: Project) -> None:
    if project.state != ProjectState.UNDERWAY:
        raise ValidationError(_("The project is “%(state)s”.") % {"state": project.get_state_display()})


def sign_contract(project: Project, by, goals: str, indicators, on: dt.date | None = None) -> Project:
    """任务书: goals and indicators (kind, name, target); the signing milestone is accepted with it and
    the progress reports are scheduled."""
    on = on or clock.today()
    check(PROJECT, project, "sign", by)
    if not (goals or "").strip():
        raise ValidationError({"goals": _("The contract states the project's goals.")})
    rows = []
    for index, (kind, name, target) in enumerate(indicators, start=1):
        if kind not in IndicatorKind.values or not (name or "").strip():
            raise ValidationError({"indicators": _("Indicator %(row)s needs a kind and a name.") % {"row": index}})
        target = _money(target, "indicators", _("Indicator %(row)s, target") % {"row": index})
        if target <= 0:
            raise ValidationError({"indicators": _("Indicator %(row)s needs a target above zero.") % {"row": index}})
        rows.append(Indicator(project=project, kind=kind, name=name.strip()[:100], target=target))
    if not rows:
        raise ValidationError({"indicators": _("The contract needs at least one indicator.")})
    with transaction.atomic():
        lock_chain()
        move(PROJECT, project, "sign", by, goals=goals.strip(), signed_on=on)
        for row in rows:
            row.save()
        _accept(project.milestones.filter(kind=MilestoneKind.SIGNING), on)
        due, period = _add_months(project.starts_on, REPORT_MONTHS), 1
        while due < project.ends_on:
            ProgressReport.objects.create(project=project, period=_("Report %(n)s") % {"n": period}, due_on=due)
            due, period = _add_months(due, REPORT_MONTHS), period + 1
    return project


def _accept(milestones, on: dt.date) -> None:
    for milestone in milestones.filter(state=MilestoneState.PLANNED):
        milestone.state, milestone.accepted_on = MilestoneState.ACCEPTED, on
        milestone.save()


def pay_milestone(milestone: Milestone, by, amount=None, on: dt.date | None = None) -> Milestone:
    """Release a milestone's payment through the ledger: only once the milestone is accepted, and never
    above the award (the project's account) or the call's budget."""
    on = on or clock.today()
    if not perms.manages_projects(by):
        raise PermissionDenied(_("Only the bureau's officers release payments."))
    project = milestone.project
    if milestone.state != MilestoneState.ACCEPTED:
        raise ValidationError(_("Milestone “%(milestone)s” is “%(state)s”; its payment is released only once it is accepted.") % {
            "milestone": milestone.get_kind_display(), "state": milestone.get_state_display()})
    amount = milestone.amount if amount in (None, "") else _money(amount, "amount", _("The payment"))
    if amount <= 0:
        raise ValidationError({"amount": _("A payment must be above zero.")})
    with transaction.atomic():
        lock_chain()
        if Milestone.objects.filter(pk=milestone.pk, state=MilestoneState.ACCEPTED).update(
                state=MilestoneState.PAID, paid_on=on, paid_amount=amount) != 1:
            raise ValidationError(_("This milestone was paid meanwhile; reload the page."))
        try:
            ledger.post([
                Posting(project.call.account, EntryKind.RELEASE, amount),
                Posting(project.call.account, EntryKind.PAY, amount),
                Posting(project.account, EntryKind.PAY, amount),
            ], award_reference(project.application), by, note=f"{milestone.ledger_reference} {milestone.get_kind_display()}")
        except LedgerRefused as refused:
            transaction.set_rollback(True)
            raise ValidationError({"amount": _("The payment of %(amount)s 万元 is refused: %(detail)s") % {
                "amount": amount, "detail": refused.messages[0]}}) from None
        before = snapshot(milestone)
        milestone.refresh_from_db()
        record_updated(milestone, before)
    return milestone


def submit_report(report: ProgressReport, by, text: str, spent, on: dt.date | None = None) -> ProgressReport:
    on = on or clock.today()
    check(REPORT, report, "submit", by)
    if not (text or "").strip():
        raise ValidationError({"text": _("Describe the progress.")})
    spent = _money(spent, "spent", _("Spent to date"))
    return move(REPORT, report, "submit", by, text=text.strip(), spent=spent, submitted_on=on)


def review_report(report: ProgressReport, by, accept: bool, comment: str = "") -> ProgressReport:
    return move(REPORT, report, "accept" if accept else "return", by, comment=comment)


def mid_term_check(project: Project, by, result: str, opinion: str, on: dt.date | None = None) -> ProjectCheck:
    """中期检查; passing it accepts the mid-term milestone, so its payment may be released."""
    on = on or clock.today()
    if not perms.manages_projects(by):
        raise PermissionDenied(_("Only the bureau's officers hold checks."))
    _open_project(project)
    if result not in CheckResult.values or not (opinion or "").strip():
        raise ValidationError(_("Give the check's result and its opinion."))
    with transaction.atomic():
        lock_chain()
        made = ProjectCheck.objects.create(project=project, kind=MilestoneKind.MID_TERM, held_on=on, result=result,
                                           opinion=opinion.strip(), by=by)
        if result == CheckResult.PASSED:
            _accept(project.milestones.filter(kind=MilestoneKind.MID_TERM), on)
    return made


def _free_reservation(project: Project, by, note: str) -> None:
    left = ledger.reserved_for(award_reference(project.application), project.call.account)
    if left > 0:
        ledger.release(project.call.account, left, award_reference(project.application), by, note=note)
    for milestone in project.milestones.filter(state__in=(MilestoneState.PLANNED, MilestoneState.ACCEPTED)):
        milestone.state = MilestoneState.CANCELLED
        milestone.save()


def acceptance(project: Project, by, result: str, opinion: str, achieved: dict, on: dt.date | None = None) -> ProjectCheck:
    """验收 with the indicators achieved ({indicator id: value}). 通过 accepts the last milestone (its
    payment may then be released); 结题 and 不通过 close the project and free what remains reserved."""
    on = on or clock.today()
    transition = {AcceptanceResult.PASSED: "pass", AcceptanceResult.CONCLUDED: "conclude", AcceptanceResult.FAILED: "fail"}.get(result)
    if transition is None:
        raise ValidationError({"result": _("The acceptance ends in passed, concluded or failed.")})
    check(PROJECT, project, transition, by)
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("Give the acceptance opinion.")})
    indicators = {str(i.pk): i for i in project.indicators.all()}
    values = {}
    for key, value in achieved.items():
        if str(key) not in indicators:
            raise ValidationError({"achieved": _("The project has no indicator %(key)s.") % {"key": key}})
        values[str(key)] = _money(value, "achieved", _("Indicator “%(name)s”, achieved") % {"name": indicators[str(key)].name})
    with transaction.atomic():
        lock_chain()
        for key, value in values.items():
            indicator = indicators[key]
            indicator.achieved = value
            indicator.save()
        made = ProjectCheck.objects.create(project=project, kind=MilestoneKind.ACCEPTANCE, held_on=on, result=result,
                                           opinion=opinion.strip(), by=by, achieved={k: str(v) for k, v in values.items()})
        move(PROJECT, project, transition, by, closed_on=on, closing_opinion=opinion.strip())
        if result == AcceptanceResult.PASSED:
            _accept(project.milestones.filter(kind=MilestoneKind.ACCEPTANCE), on)
        else:
            _free_reservation(project, by, f"验收{made.result_label}")
    return made


def terminate(project: Project, by, reason: str, recover=ZERO, on: dt.date | None = None) -> Project:
    """Terminate with recovery of funds: what is recovered is refunded on the project's account and the
    call's budget (never more than was paid); what is still reserved is freed."""
    on = on or clock.today()
    check(PROJECT, project, "terminate", by, reason)
    recover = _money(recover, "recover", _("The amount recovered"))
    if recover > project.account.paid:
        raise ValidationError({"recover": _("Only %(paid)s 万元 was paid; %(amount)s 万元 cannot be recovered.") % {
            "paid": project.account.paid, "amount": recover}})
    with transaction.atomic():
        lock_chain()
        if recover > 0:
            ledger.post([Posting(project.account, EntryKind.REFUND, recover), Posting(project.call.account, EntryKind.REFUND, recover)],
                        award_reference(project.application), by, note="终止追回")
        _free_reservation(project, by, "终止")
        move(PROJECT, project, "terminate", by, comment=reason, recovered=recover, closed_on=on)
    return project


def request_change(project: Project, by, kind: str, proposal: dict, reason: str, on: dt.date | None = None) -> ProjectChange:
    on = on or clock.today()
    if not perms.holds(by, project):
        raise PermissionDenied(_("Only the project's holder asks for changes."))
    _open_project(project)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if kind == ChangeKind.EXTENSION:
        try:
            ends_on = dt.date.fromisoformat(str(proposal.get("ends_on")))
        except ValueError:
            raise ValidationError({"ends_on": _("Give the new end date as YYYY-MM-DD.")}) from None
        if ends_on <= project.ends_on:
            raise ValidationError({"ends_on": _("An extension ends after %(end)s.") % {"end": project.ends_on}})
        proposal, before = {"ends_on": ends_on.isoformat()}, {"ends_on": project.ends_on.isoformat()}
    elif kind == ChangeKind.LEADER:
        leader = (proposal.get("leader") or "").strip()
        if not leader or leader == project.leader:
            raise ValidationError({"leader": _("Name the new project leader.")})
        proposal, before = {"leader": leader[:50]}, {"leader": project.leader}
    elif kind == ChangeKind.BUDGET:
        application = project.application
        lines, own, asked, total = check_budget(
            {k: (v.get("own_funds"), v.get("requested")) for k, v in (proposal.get("lines") or {}).items()},
            proposal.get("own_funds"), proposal.get("requested"), proposal.get("total_cost"))
        if asked != application.requested:
            raise ValidationError({"budget": _("A budget adjustment moves money between categories; the support stays %(amount)s 万元.") % {
                "amount": application.requested}})
        proposal = {"lines": {k: [str(o), str(r)] for k, (o, r) in lines.items()}, "own_funds": str(own), "total_cost": str(total)}
        before = {"lines": {line.category: [str(line.own_funds), str(line.requested)] for line in application.budget_lines.all()},
                  "own_funds": str(application.own_funds), "total_cost": str(application.total_cost)}
    else:
        raise ValidationError({"kind": _("Unknown kind of change.")})
    return ProjectChange.objects.create(project=project, kind=kind, proposal=proposal, before=before, reason=reason.strip(),
                                        requested_by=by, requested_on=on)


def decide_change(change: ProjectChange, by, approve: bool, comment: str = "") -> ProjectChange:
    """Approve (the change is applied to the project, audited with it) or reject with the reason."""
    if not approve:
        return move(CHANGE, change, "reject", by, comment=comment)
    check(CHANGE, change, "approve", by)
    project = change.project
    with transaction.atomic():
        lock_chain()
        if change.kind == ChangeKind.EXTENSION:
            project.ends_on = dt.date.fromisoformat(change.proposal["ends_on"])
            project.save()
            for milestone in project.milestones.filter(kind=MilestoneKind.ACCEPTANCE, state=MilestoneState.PLANNED):
                milestone.due_on = project.ends_on
                milestone.save()
        elif change.kind == ChangeKind.LEADER:
            project.leader = change.proposal["leader"]
            project.save()
        else:
            application = project.application
            for line in application.budget_lines.all():
                line.delete()
            for category, (own, asked) in change.proposal["lines"].items():
                BudgetLine.objects.create(application=application, category=category, own_funds=Decimal(own), requested=Decimal(asked))
            application.own_funds = Decimal(change.proposal["own_funds"])
            application.total_cost = Decimal(change.proposal["total_cost"])
            application.save()
        move(CHANGE, change, "approve", by, comment=comment)
    return change


def link_outcome(project: Project, by, kind: str, uscc: str, number: str) -> Outcome:
    """Link a registry record the project produced, found by its holder's USCC and its number; the
    holder is the project's or one of its co-applicants."""
    if not (perms.manages_projects(by) or perms.holds(by, project)):
        raise PermissionDenied(_("Only the project's holder or an officer links outcomes."))
    uscc, number = (uscc or "").strip().upper(), (number or "").strip()
    parties = {project.application.applicant_uscc} | set(project.application.co_applicants.values_list("uscc", flat=True))
    if uscc not in parties - {""}:
        raise ValidationError({"uscc": _("%(uscc)s is neither the project's holder nor one of its co-applicants.") % {"uscc": uscc}})
    lookups = {
        OutcomeKind.IP: lambda: IntellectualProperty.objects.filter(number=number, owners__uscc=uscc).first(),
        OutcomeKind.CONTRACT: lambda: TechContract.objects.filter(registration_number=number, seller__uscc=uscc).first(),
        OutcomeKind.STANDARD: lambda: Standard.objects.filter(name__startswith=number, enterprise__uscc=uscc).first(),
        OutcomeKind.CERTIFICATE: lambda: Certificate.objects.filter(number=number, enterprise__uscc=uscc).first(),
    }
    if kind not in lookups:
        raise ValidationError({"kind": _("Unknown kind of outcome.")})
    record = lookups[kind]()
    if record is None:
        raise ValidationError({"number": _("The registry holds no %(kind)s numbered %(number)s for %(uscc)s.") % {
            "kind": OutcomeKind(kind).label, "number": number, "uscc": uscc}})
    if project.outcomes.filter(kind=kind, number=number).exists():
        raise ValidationError({"number": _("%(number)s is linked to this project already.") % {"number": number}})
    return Outcome.objects.create(project=project, kind=kind, uscc=uscc, number=number, linked_by=by, **{kind: record})


# ------------------------------------------------------------------------------- collection rounds


def population(kind: str, population_kind: str, tier: str = "", on: dt.date | None = None):
    """(enterprises, institutions) a round asks."""
    on = on or clock.today()
    firms = Enterprise.objects.none()
    institutions = Institution.objects.none()
    if population_kind == TargetPopulation.DISTRICT:
        firms = Enterprise.objects.in_district()
    elif population_kind == TargetPopulation.TIER:
        firms = Enterprise.objects.in_district().filter(
            pk__in=Certificate.objects.valid_on(on).filter(kind=tier).values("enterprise"))
    elif population_kind == TargetPopulation.INSTITUTIONS:
        institutions = Institution.objects.exclude(kind=InstitutionKind.ENTERPRISE)
    return firms, institutions


def open_round(by, *, code: str, title: str, kind: str, population_kind: str, deadline: dt.date, tier: str = "",
               remind_days: int = 7, on: dt.date | None = None) -> CollectionRound:
    on = on or clock.today()
    if not perms.manages_projects(by):
        raise PermissionDenied(_("Only the bureau's officers open collection rounds."))
    if kind not in CollectionKind.values or population_kind not in TargetPopulation.values:
        raise ValidationError(_("Choose what the round collects and from whom."))
    if population_kind == TargetPopulation.INSTITUTIONS and kind == CollectionKind.DEMANDS:
        raise ValidationError({"population": _("Technology demands are collected from enterprises.")})
    if population_kind == TargetPopulation.TIER and not tier:
        raise ValidationError({"tier": _("Choose the tier whose firms are asked.")})
    if deadline < on:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if CollectionRound.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A round with the code %(code)s exists already.") % {"code": code}})
    firms, institutions = population(kind, population_kind, tier, on)
    with transaction.atomic():
        lock_chain()
        made = CollectionRound.objects.create(code=code, title=title, kind=kind, population=population_kind, tier=tier,
                                              opens_on=on, deadline=deadline, remind_days=remind_days, created_by=by)
        targets = [CollectionTarget(round=made, enterprise_id=pk) for pk in firms.values_list("pk", flat=True)]
        targets += [CollectionTarget(round=made, institution_id=pk) for pk in institutions.values_list("pk", flat=True)]
        CollectionTarget.objects.bulk_create(targets, batch_size=2000)
        record_bulk(CollectionTarget, [(AuditAction.CREATE, str(t.pk), str(t.pk), None, snapshot(t)) for t in
                                       CollectionTarget.objects.filter(round=made)])
        notify(_target_users(made.targets.all()), _("Collection round: %(title)s (answer by %(deadline)s)") % {
            "title": title, "deadline": deadline}, url=made.get_absolute_url(), email=False, key=f"projects.round:{code}:open")
    return made


def _target_users(targets):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(Q(enterprises__in=targets.exclude(enterprise=None).values("enterprise"))
                               | Q(institutions__in=targets.exclude(institution=None).values("institution")),
                               is_active=True).distinct()


def _answering(target: CollectionTarget, by, on: dt.date) -> None:
    owner_ok = (perms.acts_for(by, enterprise=target.enterprise) if target.enterprise_id
                else perms.acts_for(by, institution=target.institution))
    if not (owner_ok or perms.manages_projects(by)):
        raise PermissionDenied(_("You may answer only for your own enterprise or institution."))
    if on > target.round.deadline:
        raise ValidationError(_("The round closed on %(deadline)s.") % {"deadline": target.round.deadline})


def answer_round(target: CollectionTarget, by, achievements=(), demands=(), on: dt.date | None = None) -> list[CollectionSubmission]:
    """What a target reports: its achievements and/or demands, written to the technology market's
    registries and attributed to the round."""
    on = on or clock.today()
    _answering(target, by, on)
    round_ = target.round
    if achievements and not round_.wants_achievements or demands and not round_.wants_demands:
        raise ValidationError(_("This round collects %(kind)s only.") % {"kind": round_.get_kind_display()})
    if demands and not target.enterprise_id:
        raise ValidationError(_("Technology demands are collected from enterprises."))
    if not achievements and not demands:
        raise ValidationError(_("Report at least one record, or answer that there is nothing to report."))
    made = []
    with transaction.atomic():
        lock_chain()
        owner = target.institution
        if achievements and owner is None:
            owner = Institution.objects.filter(enterprise=target.enterprise).first() or Institution.objects.create(
                name=target.enterprise.name, kind=InstitutionKind.ENTERPRISE, enterprise=target.enterprise)
        for index, row in enumerate(achievements, start=1):
            record = Achievement(owner=owner, title=(row.get("title") or "").strip(), summary=(row.get("summary") or "").strip(),
                                 maturity=row.get("maturity") or 5, keywords=row.get("keywords", ""), by_transfer=True)
            _save_collected(market.save_achievement, record, by, _("achievement"), index)
            made.append(CollectionSubmission.objects.create(target=target, achievement=record, submitted_on=on))
        for index, row in enumerate(demands, start=1):
            record = Demand(enterprise=target.enterprise, title=(row.get("title") or "").strip(),
                            problem=(row.get("problem") or "").strip(), solution_mode=row.get("solution_mode") or SolutionMode.COOPERATIVE,
                            budget=row.get("budget"), posted_on=on)
            _save_collected(market.save_demand, record, by, _("demand"), index)
            made.append(CollectionSubmission.objects.create(target=target, demand=record, submitted_on=on))
        target.answer, target.answered_on = Answer.ANSWERED, on
        target.save()
    return made


def _save_collected(save, record, by, label, index) -> None:
    try:
        save(record, by)
    except ValidationError as error:
        raise ValidationError(_("%(label)s %(row)s: %(reason)s") % {"label": label, "row": index, "reason": "；".join(error.messages)}) from None


def declare_nothing(target: CollectionTarget, by, on: dt.date | None = None) -> CollectionTarget:
    """An explicit 无: the target has nothing to report this round."""
    on = on or clock.today()
    _answering(target, by, on)
    if target.answer == Answer.ANSWERED:
        raise ValidationError(_("Records were reported in this round already."))
    target.answer, target.answered_on = Answer.NOTHING, on
    target.save()
    return target


def completeness(round_: CollectionRound) -> dict[str, int]:
    counts = dict(round_.targets.values_list("answer").annotate(n=Count("pk")).values_list("answer", "n"))
    return {answer: counts.get(answer, 0) for answer in Answer.values}


def send_reminders(as_of: dt.date | None = None) -> dict[str, int]:
    """Reminders due on `as_of`: silent targets of a round `remind_days` before its deadline and on it;
    holders of progress reports due within a week or overdue. A reminder is sent once (its notice key)."""
    as_of = as_of or clock.today()
    sent = {"rounds": 0, "reports": 0}
    for round_ in CollectionRound.objects.filter(Q(deadline=as_of) | Q(deadline__gt=as_of)).order_by("code"):
        if as_of not in (round_.deadline, round_.deadline - dt.timedelta(days=round_.remind_days)):
            continue
        silent = round_.targets.filter(answer=Answer.SILENT)
        subject = (_("Today is the deadline of “%(title)s”: answer, or say there is nothing to report.") if as_of == round_.deadline
                   else _("Reminder: “%(title)s” closes on %(deadline)s.")) % {"title": round_.title, "deadline": round_.deadline}
        sent["rounds"] += len(notify(_target_users(silent), subject, url=round_.get_absolute_url(), email=False,
                                     key=f"projects.round:{round_.code}:{as_of.isoformat()}"))
        before = {t.pk: snapshot(t) for t in silent}
        reminded = list(silent)
        silent.update(last_reminded_on=as_of)
        for target in reminded:
            target.last_reminded_on = as_of
        record_all_updated(reminded, before)
    reports = ProgressReport.objects.filter(state__in=(ReportState.DRAFT, ReportState.RETURNED),
                                            due_on__lte=as_of + dt.timedelta(days=REPORT_REMIND_DAYS),
                                            project__state=ProjectState.UNDERWAY).select_related(
        "project__enterprise", "project__institution")
    for report in reports:
        project = report.project
        users = project.enterprise.members.all() if project.enterprise_id else project.institution.users.all()
        overdue = report.due_on < as_of
        subject = (_("Overdue: the progress report %(report)s was due on %(due)s.") if overdue
                   else _("The progress report %(report)s is due on %(due)s.")) % {"report": report, "due": report.due_on}
        sent["reports"] += len(notify(users, subject, url=project.get_absolute_url(), email=False,
                                      key=f"projects.report:{project.number}:{report.pk}:{'overdue' if overdue else 'due'}"))
    return sent
