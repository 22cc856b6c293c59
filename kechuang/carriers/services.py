"""Every write about carriers, tenants, yearly returns and events, each in one transaction that writes
nothing when it refuses (a Chinese message naming what is wrong)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.carriers import permissions as perms
from kechuang.carriers.choices import EventState, ReportState, RoundState, TenantStatus
from kechuang.carriers.facts import carrier_figures, tenant_facts
from kechuang.carriers.models import Carrier, CarrierReport, Entry, Event, FollowUp, Investor, Judge, Round, Score, Tenant
from kechuang.carriers.rules import ruleset_for
from kechuang.carriers.workflows import REPORT
from kechuang.core import clock
from kechuang.core.audit import lock_chain, record_bulk, record_created, record_updated, snapshot
from kechuang.core.choices import AuditAction, Role
from kechuang.core.notifications import notify
from kechuang.core.scoring import Criterion, Party, aggregate, check_criteria, check_scores, conflict_of_interest, rank, weighted_total
from kechuang.core.workflow import move
from kechuang.registry.models import CompetitionPrize


# --- carriers ------------------------------------------------------------------------------------

def save_carrier(form, user) -> Carrier:
    """Register or correct a carrier (the bureau's work) from a validated CarrierForm."""
    if not perms.can_manage_carriers(user):
        raise PermissionDenied(_("Only the bureau registers carriers."))
    with transaction.atomic():
        lock_chain()
        before = snapshot(Carrier.objects.get(pk=form.instance.pk)) if form.instance.pk else None
        carrier = form.save()
        if before is None:
            record_created(carrier)
        else:
            record_updated(carrier, before)
    return carrier


# --- tenants -------------------------------------------------------------------------------------

def overlaps(entered, exited, other_entered, other_exited) -> bool:
    """Whether two stays share a day; an exit date is the first day out, so a stay may start on it."""
    return (other_exited is None or entered < other_exited) and (exited is None or other_entered < exited)


def stay_problems(carrier, enterprise, entered: dt.date, exited: dt.date | None, exclude=None) -> list[str]:
    """Why a stay cannot be recorded: an exit before the entry, or an overlap with another stay of the
    same enterprise at the same carrier."""
    if exited is not None and exited < entered:
        return [_("The exit date %(exit)s is before the entry date %(entry)s.") % {"exit": exited, "entry": entered}]
    others = Tenant.objects.filter(carrier=carrier, enterprise=enterprise)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    problems = []
    for other in others.order_by("entered"):
        if overlaps(entered, exited, other.entered, other.exited):
            problems.append(_("%(enterprise)s already stays at %(carrier)s from %(entry)s to %(exit)s; stays may not overlap.") % {
                "enterprise": enterprise, "carrier": carrier, "entry": other.entered, "exit": other.exited or _("now")})
    return problems


def add_tenant(carrier, enterprise, entered, user=None, *, exited=None, space=None, status=TenantStatus.INCUBATING) -> Tenant:
    if user is not None and not perms.can_keep_tenants(user, carrier):
        raise PermissionDenied(_("You may not keep the tenants of %(carrier)s.") % {"carrier": carrier})
    with transaction.atomic():
        lock_chain()
        problems = stay_problems(carrier, enterprise, entered, exited)
        if problems:
            raise ValidationError(problems)
        tenant = Tenant.objects.create(carrier=carrier, enterprise=enterprise, entered=entered, exited=exited,
                                       space=space, status=status)
        record_created(tenant)
    return tenant


def evaluate_tenant(tenant, key: str, as_of: dt.date | None = None) -> dict:
    """A tenant against the rule set `key` ("admission" on its entry date, "graduation" on `as_of`) in
    the version in force that day, explained criterion by criterion."""
    on = tenant.entered if key == "admission" else (as_of or clock.today())
    facts = tenant_facts([tenant], on, admission=key == "admission")[tenant.pk]
    result = ruleset_for(key, on).evaluate(facts)
    result["as_of"] = on.isoformat()
    return result


def evaluate_recognition(carrier, year: int) -> dict:
    """The carrier's figures of `year` against the recognition conditions in force at its end (300号
    国家级 up to mid-2025, 131号 标准级 after), explained criterion by criterion."""
    on = dt.date(year, 12, 31)
    figures = carrier_figures(year, [carrier])[carrier.pk]
    # Floats, so the explanation reads shares as percentages as the tier pages do.
    facts = {k: float(v) if isinstance(v, Decimal) else v for k, v in figures.items()}
    result = ruleset_for("recognition", on).evaluate(facts)
    result.update(as_of=on.isoformat(), year=year)
    return result


def graduation_screen(tenants, as_of: dt.date) -> list[tuple[Tenant, dict]]:
    """Each tenant still incubating with its graduation result on `as_of`, in bulk."""
    tenants = [t for t in tenants if t.status == TenantStatus.INCUBATING]
    ruleset = ruleset_for("graduation", as_of)
    facts = tenant_facts(tenants, as_of)
    return [(t, ruleset.evaluate(facts[t.pk])) for t in tenants]


def graduate(tenant, on: dt.date, user, *, destination="", destination_carrier=None, reason: str = "") -> Tenant:
    """Record the graduation with the rule set and the facts that met it. When the criteria do not
    support it, only a bureau officer may record it, and only with a reason."""
    if not perms.can_keep_tenants(user, tenant.carrier):
        raise PermissionDenied(_("You may not keep the tenants of %(carrier)s.") % {"carrier": tenant.carrier})
    if tenant.status != TenantStatus.INCUBATING:
        raise ValidationError(_("%(tenant)s is no longer incubating.") % {"tenant": tenant})
    if on < tenant.entered:
        raise ValidationError(_("The graduation date %(date)s is before the entry date %(entry)s.") % {"date": on, "entry": tenant.entered})
    result = evaluate_tenant(tenant, "graduation", on)
    reason = (reason or "").strip()
    if result["status"] != "eligible":
        unmet = "；".join(c["label"] for c in result["criteria"])
        if not reason:
            raise ValidationError(_("The graduation criteria (%(document)s) are not met: none of %(criteria)s. "
                                    "Only a bureau officer may record this graduation, with a reason.")
                                  % {"document": result["document_number"], "criteria": unmet})
        if not perms.can_manage_carriers(user):
            raise PermissionDenied(_("Only a bureau officer may record a graduation the criteria do not support."))
    with transaction.atomic():
        lock_chain()
        before = snapshot(Tenant.objects.get(pk=tenant.pk))
        tenant.status, tenant.graduated_on, tenant.exited = TenantStatus.GRADUATED, on, on
        tenant.graduation_ruleset = f"{result['ruleset']}-{result['version']}"
        tenant.graduation_facts = {"document_number": result["document_number"], "as_of": result["as_of"],
                                   "met": [plain_json(c) for c in result["met"]]}
        tenant.override_reason = reason if result["status"] != "eligible" else ""
        tenant.override_by = user if tenant.override_reason else None
        tenant.destination, tenant.destination_carrier = destination, destination_carrier
        tenant.save()
        record_updated(tenant, before)
    return tenant


def leave(tenant, on: dt.date, status: str, user) -> Tenant:
    """迁出 or 注销: the stay ends on `on`."""
    if not perms.can_keep_tenants(user, tenant.carrier):
        raise PermissionDenied(_("You may not keep the tenants of %(carrier)s.") % {"carrier": tenant.carrier})
    if status not in (TenantStatus.MOVED_OUT, TenantStatus.CANCELLED) or tenant.status != TenantStatus.INCUBATING:
        raise ValidationError(_("Only an incubating tenant moves out or is cancelled."))
    if on < tenant.entered:
        raise ValidationError(_("The exit date %(exit)s is before the entry date %(entry)s.") % {"exit": on, "entry": tenant.entered})
    with transaction.atomic():
        lock_chain()
        before = snapshot(Tenant.objects.get(pk=tenant.pk))
        tenant.status, tenant.exited = status, on
        tenant.save()
        record_updated(tenant, before)
    return tenant


def plain_json(value):
    """`value` with its Decimals as strings, as a JSON field keeps them."""
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


# --- yearly returns (火炬统计) ---------------------------------------------------------------------

TYPED_FIELDS = ("staff", "professional_staff", "mentors", "incubation_fund", "service_income", "rent_income",
                "investment_cases", "services_delivered", "events_held")


def open_reports(year: int, due: dt.date) -> list[CarrierReport]:
    """A draft return of `year` for every carrier that has none, due on `due`; its operators are told."""
    with transaction.atomic():
        lock_chain()
        have = set(CarrierReport.objects.filter(year=year).values_list("carrier_id", flat=True))
        created = []
        for carrier in Carrier.objects.exclude(pk__in=have).prefetch_related("members"):
            report = CarrierReport.objects.create(carrier=carrier, year=year, due=due)
            record_created(report)
            notify(list(carrier.members.all()), _("Yearly statistics %(year)s due on %(due)s: %(carrier)s")
                   % {"year": year, "due": due, "carrier": carrier}, url=report.get_absolute_url())
            created.append(report)
    return created


def save_report(report, values: dict, user) -> CarrierReport:
    if not perms.can_submit_report(user, report):
        raise PermissionDenied(_("Only the carrier's operator fills in its yearly report."))
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError(_("A submitted report cannot be changed."))
    with transaction.atomic():
        lock_chain()
        before = snapshot(report)
        for name in TYPED_FIELDS:
            if name in values:
                setattr(report, name, values[name])
        report.full_clean()
        report.save()
        record_updated(report, before)
    return report


REGISTRY_KEYS = ("tenants", "graduates_year", "graduates_total", "hnte_tenants", "ip_tenants", "financed_tenants",
                 "tenant_revenue", "tenant_rd", "jobs")


def registry_part(figures: dict) -> dict:
    """Of a carrier's yearly figures (`facts.carrier_figures`), those the return computes from the registry."""
    return {key: plain_json(figures[key]) for key in REGISTRY_KEYS}


def registry_figures(carrier, year: int) -> dict:
    """The figures of the return the registry already knows, computed (never typed)."""
    return registry_part(carrier_figures(year, [carrier])[carrier.pk])


def submit_report(report, user) -> CarrierReport:
    missing = [str(CarrierReport._meta.get_field(name).verbose_name) for name in TYPED_FIELDS if getattr(report, name) is None]
    if missing:
        raise ValidationError(_("Fill in before submitting: %(fields)s.") % {"fields": "、".join(missing)})
    return move(REPORT, report, "submit", user, computed=registry_figures(report.carrier, report.year))


def remind(as_of: dt.date, days: int = 14) -> int:
    """Tell the operators of every return not yet submitted that is due within `days` or overdue; one
    notice per report and day."""
    pending = CarrierReport.objects.filter(state__in=(ReportState.DRAFT, ReportState.RETURNED),
                                           due__lte=as_of + dt.timedelta(days=days)).select_related("carrier")
    sent = 0
    for report in pending:
        overdue = report.due < as_of
        subject = (_("Overdue since %(due)s: yearly report %(report)s") if overdue
                   else _("Due on %(due)s: yearly report %(report)s")) % {"due": report.due, "report": report}
        sent += len(notify(list(report.carrier.members.all()), subject, url=report.get_absolute_url(),
                           key=f"carriers.report-reminder:{report.pk}:{as_of.isoformat()}"))
    return sent


# --- events ------------------------------------------------------------------------------------------

def create_event(user, *, code: str, name: str, kind: str, starts: dt.date, ends: dt.date, tracks=(), prize_level: str = "",
                 organiser=None) -> Event:
    """A new event in registration. A carrier operator organises for its own carrier; the bureau for
    itself (no organiser) or for any carrier."""
    if not perms.can_create_event(user):
        raise PermissionDenied(_("Only the bureau and carrier operators organise events."))
    if not perms.can_manage_carriers(user):
        organiser = perms.carrier_of(user)
        if organiser is None:
            raise PermissionDenied(_("Your account is not linked to a carrier yet."))
    if ends < starts:
        raise ValidationError(_("The event ends (%(ends)s) before it starts (%(starts)s).") % {"ends": ends, "starts": starts})
    if Event.objects.filter(code=code).exists():
        raise ValidationError(_("An event with the code %(code)s exists already.") % {"code": code})
    with transaction.atomic():
        lock_chain()
        event = Event.objects.create(code=code, name=name, kind=kind, starts=starts, ends=ends, organiser=organiser,
                                     tracks=[t for t in dict.fromkeys(t.strip() for t in tracks) if t], prize_level=prize_level)
        record_created(event)
    return event


def add_round(event, number: int, name: str, criteria: list[Criterion], *, mode: str = "", advance: int | None = None) -> Round:
    """A round of the event while registration is still open (judging changes no round)."""
    if event.state != EventState.REGISTRATION:
        raise ValidationError(_("Rounds are set up before judging opens."))
    if event.rounds.filter(number=number).exists():
        raise ValidationError(_("%(event)s already has a round %(number)s.") % {"event": event, "number": number})
    check_criteria(criteria)
    with transaction.atomic():
        lock_chain()
        round_ = Round.objects.create(event=event, number=number, name=name, mode=mode, advance=advance,
                                      criteria=[c.as_data() for c in criteria])
        record_created(round_)
    return round_


def register_entry(event, title: str, *, track: str = "", enterprise=None, team_name: str = "", team_leader: str = "") -> Entry:
    if event.state != EventState.REGISTRATION:
        raise ValidationError(_("Registration for %(event)s is closed.") % {"event": event})
    if event.tracks and track not in event.tracks:
        raise ValidationError(_("“%(track)s” is not a track of %(event)s (tracks: %(tracks)s).")
                              % {"track": track, "event": event, "tracks": "、".join(event.tracks)})
    if enterprise is None and not team_name.strip():
        raise ValidationError(_("An entry is an enterprise of the registry or a named team."))
    with transaction.atomic():
        lock_chain()
        entry = Entry.objects.create(event=event, title=title, track=track, enterprise=enterprise,
                                     team_name=team_name.strip(), team_leader=team_leader)
        record_created(entry)
    return entry


def link_entry(entry, enterprise, user) -> Entry:
    """A team registers as an enterprise: the entry is linked, and an award it won becomes the
    enterprise's competition prize."""
    entry = Entry.objects.select_related("event").get(pk=entry.pk)
    if not perms.can_organise(user, entry.event):
        raise PermissionDenied(_("You may not change the entries of %(event)s.") % {"event": entry.event})
    with transaction.atomic():
        lock_chain()
        before = snapshot(entry)
        entry.enterprise = enterprise
        entry.save()
        record_updated(entry, before)
        if entry.event.state == EventState.PUBLISHED:
            _record_prizes([entry])
    return entry


def add_judge(round_, user, *, employer: str = "", declared=()) -> Judge:
    """A review expert on the round's panel, with their employer and declared conflicts."""
    if user.role != Role.EXPERT:
        raise ValidationError(_("%(user)s is not a review expert.") % {"user": user})
    if round_.judges.filter(user=user).exists():
        raise ValidationError(_("%(user)s is already on the panel of %(round)s.") % {"user": user, "round": round_})
    with transaction.atomic():
        lock_chain()
        judge = Judge.objects.create(round=round_, user=user, employer=employer or user.organisation,
                                     declared=[d for d in declared if d])
        record_created(judge)
    return judge


def criteria_of(round_) -> list[Criterion]:
    return [Criterion.from_data(c) for c in round_.criteria]


def _parties(entry) -> list[Party]:
    names = {entry.team_name} if entry.team_name else set()
    if entry.enterprise_id:
        names |= {entry.enterprise.name, entry.enterprise.uscc}
    return [Party(frozenset(n for n in names if n))]


def exclusion(judge, entry) -> str | None:
    return conflict_of_interest([judge.employer], judge.declared, _parties(entry))


def submit_score(round_, entry, user, scores: dict) -> Score:
    """One judge's scores for one entry in one round (see `submit_scores`)."""
    return submit_scores(round_, [(entry, user, scores)])[0]


def submit_scores(round_, sheets) -> list[Score]:
    """Score sheets (entry, judge user, {criterion: score}) of one round, all or nothing: refused for a
    judge not on the panel or excluded by a conflict of interest, an entry that did not reach the round,
    a closed round, a sheet given twice, or a score outside its criterion's range."""
    round_ = Round.objects.select_related("event").get(pk=round_.pk)
    if round_.state != RoundState.OPEN or round_.event.state != EventState.JUDGING:
        raise ValidationError(_("%(round)s is not open for scoring.") % {"round": round_})
    judges = {j.user_id: j for j in round_.judges.all()}
    entries = {e.pk: e for e in Entry.objects.filter(pk__in={entry.pk for entry, _u, _s in sheets}).select_related("enterprise")}
    criteria = criteria_of(round_)
    rows = []
    for entry, user, scores in sheets:
        judge, entry = judges.get(user.pk), entries[entry.pk]
        if judge is None:
            raise PermissionDenied(_("You are not on the panel of %(round)s.") % {"round": round_})
        if entry.event_id != round_.event_id or entry.reached < round_.number:
            raise ValidationError(_("%(entry)s is not in %(round)s.") % {"entry": entry, "round": round_})
        reason = exclusion(judge, entry)
        if reason:
            raise ValidationError(_("You are excluded from scoring %(entry)s: %(reason)s") % {"entry": entry, "reason": reason})
        checked = check_scores(criteria, scores)
        rows.append(Score(round=round_, entry=entry, judge=judge, total=weighted_total(criteria, checked),
                          scores={k: str(v) for k, v in checked.items()}))
    with transaction.atomic():
        lock_chain()
        given = set(Score.objects.filter(round=round_).values_list("entry_id", "judge_id"))
        for row in rows:
            if (row.entry_id, row.judge_id) in given:
                raise ValidationError(_("%(judge)s has already scored %(entry)s in this round.") % {"judge": row.judge.user, "entry": row.entry})
            given.add((row.entry_id, row.judge_id))
        Score.objects.bulk_create(rows)
        record_bulk(Score, [(AuditAction.CREATE, str(r.pk), str(r), None, snapshot(r)) for r in rows])
    return rows


def standings(round_) -> list[tuple[int, Entry, object]]:
    """The entries of a round ranked by their panel aggregate (trimmed mean from five judges)."""
    entries = list(round_.event.entries.filter(reached__gte=round_.number).select_related("enterprise"))
    totals = {}
    for entry_id, total in Score.objects.filter(round=round_).values_list("entry_id", "total"):
        totals.setdefault(entry_id, []).append(total)
    results = {e.pk: aggregate(totals.get(e.pk, [])) for e in entries}
    return [(position, entry, results[entry.pk]) for position, entry in rank(entries, lambda e: results[e.pk].value)]


def open_judging(event, user) -> Event:
    if not perms.can_organise(user, event):
        raise PermissionDenied(_("You may not run %(event)s.") % {"event": event})
    if event.state != EventState.REGISTRATION or not event.rounds.exists() or not event.entries.exists():
        raise ValidationError(_("Judging opens once registration is open, with rounds and entries."))
    with transaction.atomic():
        lock_chain()
        return _set(event, state=EventState.JUDGING)


def close_round(round_, user) -> list:
    """Close the round; the best `advance` entries reach the next round (ties at the cut go through)."""
    if not perms.can_organise(user, round_.event):
        raise PermissionDenied(_("You may not run %(event)s.") % {"event": round_.event})
    if round_.state != RoundState.OPEN:
        raise ValidationError(_("%(round)s is already closed.") % {"round": round_})
    ranked = standings(round_)
    final = not round_.event.rounds.filter(number__gt=round_.number).exists()
    with transaction.atomic():
        lock_chain()
        _set(round_, state=RoundState.CLOSED)
        for position, entry, result in ranked:
            if final:
                _set(entry, final_score=result.value, final_rank=position or None)
            elif position and (round_.advance is None or position <= round_.advance):
                _set(entry, reached=round_.number + 1)
    return ranked


def publish(event, awards: dict, user, on: dt.date | None = None) -> Event:
    """Publish the results with their awards ({entry pk: award}); every award to an enterprise of an
    event with a prize level becomes its registry competition prize, which the tier rule sets read."""
    if not perms.can_organise(user, event):
        raise PermissionDenied(_("You may not run %(event)s.") % {"event": event})
    if event.state != EventState.JUDGING or event.rounds.filter(state=RoundState.OPEN).exists():
        raise ValidationError(_("Results are published once every round is closed."))
    entries = {e.pk: e for e in event.entries.select_related("enterprise")}
    unknown = [str(pk) for pk in awards if pk not in entries]
    if unknown:
        raise ValidationError(_("Not entries of this event: %(ids)s.") % {"ids": "、".join(unknown)})
    with transaction.atomic():
        lock_chain()
        for pk, award in awards.items():
            _set(entries[pk], award=award)
        _set(event, state=EventState.PUBLISHED, published_on=on or clock.today())
        _record_prizes([e for e in entries.values() if e.award])
    return event


def _record_prizes(entries) -> None:
    for entry in entries:
        event = entry.event
        if not (entry.award and entry.enterprise_id and event.prize_level):
            continue
        prize, created = CompetitionPrize.objects.get_or_create(
            enterprise=entry.enterprise, name=event.name, year=event.ends.year,
            defaults={"level": event.prize_level, "award": entry.award})
        if created:
            record_created(prize)


def _set(obj, **values):
    """Change and audit one row, inside the caller's transaction (which took the chain's lock)."""
    before = snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    record_updated(obj, before)
    return obj


def add_investor(event, name: str, institution: str, user) -> Investor:
    if not perms.can_organise(user, event):
        raise PermissionDenied(_("You may not run %(event)s.") % {"event": event})
    with transaction.atomic():
        lock_chain()
        investor = Investor.objects.create(event=event, name=name, institution=institution)
        record_created(investor)
    return investor


def add_follow_up(investor, entry, date: dt.date, note: str, user) -> FollowUp:
    if not perms.can_organise(user, investor.event):
        raise PermissionDenied(_("You may not run %(event)s.") % {"event": investor.event})
    if entry.event_id != investor.event_id:
        raise ValidationError(_("%(entry)s is not an entry of %(event)s.") % {"entry": entry, "event": investor.event})
    if date < investor.event.starts:
        raise ValidationError(_("A follow-up cannot come before the event (%(date)s).") % {"date": investor.event.starts})
    with transaction.atomic():
        lock_chain()
        follow_up = FollowUp.objects.create(investor=investor, entry=entry, date=date, note=note)
        record_created(follow_up)
    return follow_up
