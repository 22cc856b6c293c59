"""Project pages: each role's workspace, calls with their applications and 公示, applications (anonymised
for the experts of an anonymised call), scoring, the tracking board, a project's page, collection rounds
and statistics. Views stay thin: every write is a service call; a refusal is shown as a message."""
from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.core import clock
from kechuang.core.bounds import int_param, year_param
from kechuang.core.documents import OfficialDocument
from kechuang.core.exports import xlsx_response
from kechuang.core.ledger import LedgerEntry
from kechuang.core.permissions import is_expert_user, sees_everything
from kechuang.core.uploads import attachment_response
from kechuang.core.views import ObjectListView, predicate_required
from kechuang.projects import permissions as perms
from kechuang.projects import services, statistics, tracking
from kechuang.projects.choices import (
    AcceptanceResult, Answer, ApplicationState, CallState, Programme, ChangeKind, CheckResult, CollectionKind, CostCategory,
    IndicatorKind, MilestoneKind, MilestoneState, OutcomeKind, ProjectState, Risk, TargetPopulation,
)
from kechuang.projects.models import (
    Application, Assignment, Call, CollectionRound, CollectionTarget, Expert, Milestone, ProgressReport, Project,
    ProjectChange,
)
from kechuang.projects.tables import EXPERT_COLUMNS, PUBLICITY_HEADERS, publicity_rows
from kechuang.projects.workflows import APPLICATION, CALL, CHANGE, REPORT


def _refused(request, error) -> None:
    for message in (error.messages if isinstance(error, ValidationError) else [str(error) or _("Not allowed.")]):
        messages.error(request, message)


def _run(request, action, done: str = ""):
    """Run a service call from a POST; its refusal becomes the page's message."""
    try:
        result = action()
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return None
    if done:
        messages.success(request, done)
    return result


def _enterprise_of(user):
    return user.enterprises.order_by("pk").first() if perms.is_applicant_user(user) else None


def _institution_of(user):
    return user.institutions.order_by("pk").first() if perms.is_applicant_user(user) else None


def _date(value, default=None):
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        raise ValidationError(_("Give dates as YYYY-MM-DD.")) from None


# ------------------------------------------------------------------------------------ workspace


@predicate_required(perms.uses_projects)
def workspace(request):
    user, today = request.user, clock.today()
    context = {"today": today, "staff": sees_everything(user), "expert": is_expert_user(user), "manage": perms.manages_projects(user)}
    calls = Call.objects.visible_to(user).select_related("account")
    if sees_everything(user):
        context["calls"] = calls
        context["queue"] = Application.objects.filter(state=ApplicationState.SUBMITTED).count()
        context["rounds"] = CollectionRound.objects.all()[:10]
    elif is_expert_user(user):
        context["assignments"] = Assignment.objects.visible_to(user).select_related("application__call")
    else:
        enterprise = _enterprise_of(user)
        context["calls"] = [(call, services.ineligibility(call, enterprise, today)) for call in calls.filter(state=CallState.OPEN)]
        context["applications"] = Application.objects.visible_to(user).select_related("call")
        context["projects"] = Project.objects.visible_to(user)
        context["targets"] = CollectionTarget.objects.visible_to(user).select_related("round")
    return render(request, "projects/workspace.html", context)


# ------------------------------------------------------------------------------------------ calls


def _call(request, code) -> Call:
    return get_object_or_404(Call.objects.visible_to(request.user), code=code)


@predicate_required(perms.uses_projects)
def call_detail(request, code):
    call, user = _call(request, code), request.user
    applications = Application.objects.visible_to(user).filter(call=call).select_related("enterprise", "institution", "field")
    context = {
        "call": call, "criteria": call.criterion_list, "steps": CALL.buttons(user, call), "staff": sees_everything(user),
        "manage": perms.manages_projects(user), "applications": applications.order_by("rank", "number")[:500],
        "eligibility": call.eligibility, "today": clock.today(),
        "schedule": [(MilestoneKind(item["kind"]).label, item["share"]) for item in call.payment_schedule],
    }
    if perms.is_applicant_user(user):
        enterprise = _enterprise_of(user)
        context["reasons"] = services.ineligibility(call, enterprise) if enterprise or _institution_of(user) else [
            _("Your account belongs to no enterprise or institution.")]
        context["fields"] = _fields()
    if call.state in (CallState.PUBLICITY, CallState.DECIDED):
        context["publicity"] = publicity_rows(call)
    if sees_everything(user):
        context["objections"] = call.objections.select_related("application")
        context["meetings"] = call.meetings.all()
        context["ledger"] = call.account
    elif call.state == CallState.PUBLICITY:
        context["may_object"] = True
    return render(request, "projects/call_detail.html", context)


DEFAULT_CALL_DATA = {
    "bands": [{"label": "重点项目", "minimum": 50, "maximum": 200, "share": "0.5", "per_firm": 200},
              {"label": "一般项目", "minimum": 10, "maximum": 50, "share": "0.5", "per_firm": 200}],
    "eligibility": {"in_district": True, "certificates": [], "no_serious_dishonesty": True},
    "form_fields": [{"key": "summary", "label": "项目摘要", "required": True}, {"key": "team", "label": "团队介绍", "identifying": True}],
    "attachments": [{"key": "plan", "label": "可行性研究报告"}],
    "criteria": [{"key": "innovation", "label": "技术创新性", "weight": 40, "maximum": 40},
                 {"key": "feasibility", "label": "可行性", "weight": 30, "maximum": 30},
                 {"key": "benefit", "label": "预期效益", "weight": 30, "maximum": 30}],
    "payment_schedule": [{"kind": "signing", "share": "0.4"}, {"kind": "mid_term", "share": "0.4"}, {"kind": "acceptance", "share": "0.2"}],
}


def _json_field(post, name):
    import json

    try:
        return json.loads(post.get(name) or "null")
    except ValueError as error:
        raise ValidationError({name: _("%(field)s is not valid JSON: %(error)s") % {"field": name, "error": error}}) from None


@predicate_required(perms.manages_projects)
def call_new(request):
    """A new call, with its bands, eligibility, form, attachments, criteria and payment schedule as data."""
    import json

    post = request.POST if request.method == "POST" else None
    if post is not None:
        def create():
            data = {name: _json_field(post, name) for name in DEFAULT_CALL_DATA}
            return services.create_call(
                request.user, code=post.get("code", "").strip(), title=post.get("title", "").strip(),
                programme=post.get("programme", ""), year=year_param(post.get("year"), clock.today().year),
                budget=post.get("budget"), opens_on=_date(post.get("opens_on"), clock.today()),
                deadline=_date(post.get("deadline"), clock.today()), anonymised=bool(post.get("anonymised")),
                description=post.get("description", ""), **data)

        call = _run(request, create, _("The call was created; publish it when it is ready."))
        if call is not None:
            return redirect(call)
    values = {name: (post.get(name) if post else json.dumps(value, ensure_ascii=False, indent=1)) for name, value in DEFAULT_CALL_DATA.items()}
    return render(request, "projects/call_new.html", {"values": values, "post": post or {}, "programmes": Programme.choices,
                                                      "today": clock.today()})


def _fields():
    from kechuang.core.models import HighTechDomain

    return HighTechDomain.objects.filter(level="domain").order_by("code")


@require_POST
@predicate_required(perms.uses_projects)
def call_action(request, code, action):
    call, user = _call(request, code), request.user
    post = request.POST
    if action == "apply":
        from kechuang.core.models import HighTechDomain

        field = HighTechDomain.objects.filter(code=post.get("field", ""), level="domain").first()
        if field is None:
            messages.error(request, _("Choose the technical field."))
            return redirect(call)
        application = _run(request, lambda: services.start_application(
            call, user, title=post.get("title", ""), field=field, leader=post.get("leader", ""),
            band=int_param(post.get("band"), 0, 20, 0), enterprise=_enterprise_of(user),
            institution=_institution_of(user)))
        return redirect(application or call)
    actions = {
        "publish": lambda: services.publish_call(call, user),
        "close": lambda: services.close_call(call, user),
        "auto-assign": lambda: _report_assignment(request, services.auto_assign(call, user)),
        "rank": lambda: services.rank_call(call),
        "publicise": lambda: services.publicise(call, user),
        "conclude": lambda: services.conclude_publicity(call, user),
        "objection": lambda: services.lodge_objection(
            call, user, post.get("text", ""), call.applications.filter(pk=int_param(post.get("application"), 1, 2**31 - 1, 0)).first()),
        "meeting": lambda: services.record_meeting(call, user, _date(post.get("held_on"), clock.today()), post.get("minutes", ""),
                                                   Expert.objects.filter(pk__in=post.getlist("experts"))),
    }
    if action not in actions:
        raise Http404
    if action == "rank" and not perms.manages_projects(user):
        raise PermissionDenied
    _run(request, actions[action], _("Done."))
    return redirect(call)


def _report_assignment(request, result):
    made, short = result
    messages.info(request, _("%(n)s assignments made.") % {"n": made})
    if short:
        messages.warning(request, _("Not enough experts free of conflicts for: %(list)s") % {"list": "、".join(short)})
    return result


@predicate_required(perms.uses_projects)
def publicity_docx(request, code):
    call = _call(request, code)
    if call.state not in (CallState.PUBLICITY, CallState.DECIDED):
        raise Http404
    document = OfficialDocument(_("Public notice of the projects to be supported: %(call)s") % {"call": call.title},
                                issuer_mark=_("District Science and Technology Bureau"))
    document.paragraph(_("The following projects are proposed for support. Objections may be lodged from %(start)s to %(end)s.") % {
        "start": call.publicity_from, "end": call.publicity_until})
    document.table([str(h) for h in PUBLICITY_HEADERS], publicity_rows(call))
    response = HttpResponse(document.bytes(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="publicity-{call.code}.docx"'
    return response


# ------------------------------------------------------------------------------------ applications


def _application(request, pk) -> Application:
    return get_object_or_404(Application.objects.visible_to(request.user).select_related(
        "call", "enterprise", "institution", "field"), pk=pk)


def application_context(user, application) -> dict:
    """What a page shows of an application: without any trace of the applicant for the experts of an
    anonymised call (no names, codes, co-applicants, identifying answers or attachments)."""
    identities = perms.sees_identities(user, application)
    fields = [item for item in application.call.form_fields if identities or not item.get("identifying")]
    return {
        "application": application, "identities": identities,
        "answers": [(item["label"], application.answers.get(item["key"], "")) for item in fields],
        "budget": application.budget_lines.all(),
        "co_applicants": application.co_applicants.all() if identities else [],
        "files": application.files.all() if identities else [],
        "label": str(application) if identities else application.anonymous_label,
    }


@predicate_required(perms.uses_projects)
def application_detail(request, pk):
    application, user = _application(request, pk), request.user
    context = application_context(user, application)
    editable = perms.can_edit_application(user, application) and application.state in (
        ApplicationState.DRAFT, ApplicationState.RETURNED)
    lines = {line.category: line for line in context["budget"]}
    context.update(
        steps=APPLICATION.buttons(user, application), editable=editable,
        budget_rows=[(value, label, lines[value].own_funds if value in lines else "", lines[value].requested if value in lines else "")
                     for value, label in CostCategory.choices],
        form_rows=[(item, application.answers.get(item["key"], "")) for item in application.call.form_fields],
        missing=services.missing_for_submission(application) if editable else [],
        manage=perms.manages_projects(user), band=application.call.bands[application.band],
    )
    if sees_everything(user):
        context["assignments"] = application.assignments.select_related("expert")
        context["experts"] = Expert.objects.filter(active=True, field=application.field).exclude(
            pk__in=application.assignments.values("expert"))
    return render(request, "projects/application_detail.html", context)


def _budget_from(post) -> dict:
    return {category: (post.get(f"own_{category}") or 0, post.get(f"req_{category}") or 0) for category in CostCategory.values
            if post.get(f"own_{category}") or post.get(f"req_{category}")}


def _attach(application, user, key, upload):
    if upload is None:
        raise ValidationError(_("Choose a file to upload."))
    return services.attach(application, user, key, upload)


@require_POST
@predicate_required(perms.uses_projects)
def application_action(request, pk, action):
    application, user, post = _application(request, pk), request.user, request.POST
    keys = [item["key"] for item in application.call.form_fields]
    co_applicants = [{"name": name, "uscc": uscc} for name, uscc in zip(post.getlist("co_name"), post.getlist("co_uscc")) if name.strip()]
    actions = {
        "save": lambda: services.save_application(
            application, user, answers={key: post.get(f"answer_{key}", "") for key in keys}, budget=_budget_from(post),
            own_funds=post.get("own_funds"), requested=post.get("requested"), total_cost=post.get("total_cost"),
            co_applicants=co_applicants),
        "attach": lambda: _attach(application, user, post.get("key", ""), request.FILES.get("file")),
        "submit": lambda: services.submit(application, user),
        "withdraw": lambda: services.withdraw(application, user),
        "complete": lambda: services.formal_review(application, user, "complete", post.get("comment", "")),
        "return": lambda: services.formal_review(application, user, "return", post.get("comment", "")),
        "reject": lambda: services.formal_review(application, user, "reject", post.get("comment", "")),
        "approve": lambda: services.decide(application, user, True, post.get("amount"), post.get("comment", "")),
        "decline": lambda: services.decide(application, user, False, reason=post.get("comment", "")),
        "assign": lambda: services.assign(application, list(Expert.objects.filter(pk__in=post.getlist("experts"))), user),
    }
    if action not in actions:
        raise Http404
    _run(request, actions[action], _("Done."))
    return redirect(application)


@predicate_required(perms.uses_projects)
def attachment_download(request, pk, file_pk):
    application = _application(request, pk)
    if not perms.sees_identities(request.user, application):
        raise Http404
    attachment = get_object_or_404(application.files, pk=file_pk)
    return attachment_response(attachment.file, f"{application.number}-{attachment.key}{PurePath(attachment.file.name).suffix}")


# ---------------------------------------------------------------------------------------- review


@predicate_required(perms.uses_projects)
def assignment_detail(request, pk):
    assignment = get_object_or_404(Assignment.objects.visible_to(request.user).select_related(
        "application__call", "application__enterprise", "application__institution", "expert"), pk=pk)
    user = request.user
    if request.method == "POST":
        criteria = assignment.application.call.criterion_list
        scores = {c.key: request.POST.get(f"score_{c.key}", "") for c in criteria}
        if _run(request, lambda: services.score(assignment, user, scores, request.POST.get("comment", "")), _("Scores saved.")):
            return redirect(assignment)
    context = application_context(user, assignment.application)
    context.update(assignment=assignment, criteria=[(c, assignment.scores.get(c.key, "")) for c in assignment.application.call.criterion_list],
                   may_score=perms.reviews(user, assignment))
    return render(request, "projects/assignment.html", context)


class ExpertListView(ObjectListView):
    model = Expert
    predicate = staticmethod(sees_everything)
    columns = EXPERT_COLUMNS
    title = _("Expert pool")
    export_name = "experts"

    def base_queryset(self):
        return Expert.objects.visible_to(self.request.user).select_related("field")


# ------------------------------------------------------------------------------------------ projects


def _holds_or_staff(user) -> bool:
    return sees_everything(user) or perms.is_applicant_user(user)


@predicate_required(_holds_or_staff)
def board(request):
    today = clock.today()
    projects = Project.objects.visible_to(request.user)
    state = request.GET.get("state", "")
    if state in ProjectState.values:
        projects = projects.filter(state=state)
    rows = tracking.board(projects, today)
    risk = request.GET.get("risk", "")
    counts = {value: sum(1 for row in rows if row.risk == value) for value in Risk.values}
    if risk in Risk.values:
        rows = [row for row in rows if row.risk == risk]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "projects/board.html", {
        "page": page, "counts": [(value, label, counts[value]) for value, label in Risk.choices], "states": ProjectState.choices,
        "state": state, "risk": risk, "today": today,
    })


def _project(request, number) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).select_related(
        "call", "application", "enterprise", "institution", "account"), number=number)


@predicate_required(_holds_or_staff)
def project_detail(request, number):
    project, user, today = _project(request, number), request.user, clock.today()
    row = tracking.board(Project.objects.filter(pk=project.pk), today)[0]
    context = {
        "project": project, "row": row, "manage": perms.manages_projects(user), "holder": perms.holds(user, project),
        "milestones": project.milestones.all(), "indicators": project.indicators.all(),
        "reports": [(report, REPORT.buttons(user, report)) for report in project.reports.all()],
        "checks": project.checks.all(), "changes": [(change, CHANGE.buttons(user, change)) for change in project.changes.all()],
        "outcomes": project.outcomes.select_related("ip", "contract", "standard", "certificate"),
        "entries": LedgerEntry.objects.filter(account=project.account).order_by("id"),
        "check_results": CheckResult.choices, "acceptance_results": AcceptanceResult.choices,
        "change_kinds": ChangeKind.choices, "outcome_kinds": OutcomeKind.choices, "indicator_kinds": IndicatorKind.choices,
        "today": today, "open": project.state in (ProjectState.CONTRACTING, ProjectState.UNDERWAY),
        "accepted": MilestoneState.ACCEPTED,
    }
    return render(request, "projects/project_detail.html", context)


def _indicators_from(post):
    return [(kind, name, target) for kind, name, target in zip(post.getlist("ind_kind"), post.getlist("ind_name"), post.getlist("ind_target"))
            if name.strip()]


def _change_proposal(post) -> dict:
    return {"ends_on": post.get("ends_on", ""), "leader": post.get("leader", ""),
            "lines": {category: {"own_funds": own, "requested": asked} for category, (own, asked) in _budget_from(post).items()},
            "own_funds": post.get("own_funds"), "requested": post.get("requested"), "total_cost": post.get("total_cost")}


@require_POST
@predicate_required(_holds_or_staff)
def project_action(request, number, action):
    project, user, post = _project(request, number), request.user, request.POST
    item = int_param(post.get("item"), 1, 2**31 - 1, 0)
    milestone = lambda: get_object_or_404(Milestone, project=project, pk=item)  # noqa: E731
    report = lambda: get_object_or_404(ProgressReport, project=project, pk=item)  # noqa: E731
    change = lambda: get_object_or_404(ProjectChange, project=project, pk=item)  # noqa: E731
    actions = {
        "sign": lambda: services.sign_contract(project, user, post.get("goals", ""), _indicators_from(post)),
        "pay": lambda: services.pay_milestone(milestone(), user, post.get("amount") or None),
        "mid-term": lambda: services.mid_term_check(project, user, post.get("result", ""), post.get("opinion", "")),
        "acceptance": lambda: services.acceptance(project, user, post.get("result", ""), post.get("opinion", ""), {
            key[len("achieved_"):]: value for key, value in post.items() if key.startswith("achieved_") and value != ""}),
        "terminate": lambda: services.terminate(project, user, post.get("comment", ""), post.get("recover") or 0),
        "report": lambda: services.submit_report(report(), user, post.get("text", ""), post.get("spent")),
        "accept": lambda: services.review_report(report(), user, True, post.get("comment", "")),
        "return": lambda: services.review_report(report(), user, False, post.get("comment", "")),
        "change": lambda: services.request_change(project, user, post.get("kind", ""), _change_proposal(post), post.get("reason", "")),
        "approve": lambda: services.decide_change(change(), user, True, post.get("comment", "")),
        "reject": lambda: services.decide_change(change(), user, False, post.get("comment", "")),
        "outcome": lambda: services.link_outcome(project, user, post.get("kind", ""), post.get("uscc", ""), post.get("number", "")),
    }
    if action not in actions:
        raise Http404
    _run(request, actions[action], _("Done."))
    return redirect(project)


@predicate_required(_holds_or_staff)
def acceptance_docx(request, number):
    project = _project(request, number)
    check = project.checks.filter(kind="acceptance").order_by("-held_on").first()
    if check is None:
        raise Http404
    document = OfficialDocument(_("Acceptance summary of project %(number)s") % {"number": project.number},
                                issuer_mark=_("District Science and Technology Bureau"))
    document.paragraph(_("Project: %(title)s; holder: %(holder)s; leader: %(leader)s; award %(award)s 万元, paid %(paid)s 万元.") % {
        "title": project.title, "holder": project.holder_name, "leader": project.leader, "award": project.award,
        "paid": project.account.paid})
    document.paragraph(_("Acceptance on %(date)s: %(result)s. %(opinion)s") % {
        "date": check.held_on, "result": check.result_label, "opinion": check.opinion})
    document.table([_("Indicator"), _("Target"), _("Achieved")],
                   [(i.name, i.target, i.achieved) for i in project.indicators.all()])
    outcomes = [(o.get_kind_display(), o.number, o.uscc) for o in project.outcomes.all()]
    if outcomes:
        document.table([_("Outcome"), _("Number"), _("Holder's code")], outcomes)
    response = HttpResponse(document.bytes(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="acceptance-{project.number}.docx"'
    return response


@predicate_required(_holds_or_staff)
def project_ledger_xlsx(request, number):
    project = _project(request, number)
    rows = [(e.at.date(), e.get_kind_display(), e.amount, e.reference, e.note)
            for e in LedgerEntry.objects.filter(account=project.account).order_by("id")]
    return xlsx_response(f"ledger-{project.number}.xlsx", ["日期", "类型", "金额(万元)", "凭据", "说明"], rows, project.number)


# ------------------------------------------------------------------------------- collection rounds


@predicate_required(_holds_or_staff)
def rounds(request):
    user = request.user
    if perms.manages_projects(user) and request.method == "POST":
        post = request.POST
        made = _run(request, lambda: services.open_round(
            user, code=post.get("code", "").strip(), title=post.get("title", "").strip(), kind=post.get("kind", ""),
            population_kind=post.get("population", ""), tier=post.get("tier", ""),
            deadline=_date(post.get("deadline")) or clock.today() - dt.timedelta(days=1)), _("The round is open."))
        if made:
            return redirect(made)
    listed = CollectionRound.objects.visible_to(user)
    targets = {t.round_id: t for t in CollectionTarget.objects.visible_to(user).filter(round__in=listed)} if not sees_everything(user) else {}
    return render(request, "projects/rounds.html", {
        "rounds": [(r, targets.get(r.pk)) for r in listed[:200]], "manage": perms.manages_projects(user),
        "kinds": CollectionKind.choices, "populations": TargetPopulation.choices, "today": clock.today(),
    })


@predicate_required(_holds_or_staff)
def round_detail(request, code):
    round_ = get_object_or_404(CollectionRound.objects.visible_to(request.user), code=code)
    user = request.user
    context = {"round": round_, "today": clock.today()}
    if sees_everything(user):
        answer = request.GET.get("answer", Answer.SILENT)
        answer = answer if answer in Answer.values else Answer.SILENT
        counts = services.completeness(round_)
        targets = round_.targets.filter(answer=answer).select_related("enterprise", "institution").prefetch_related(
            "submissions__achievement", "submissions__demand")
        context.update(counts=[(value, label, counts[value]) for value, label in Answer.choices], total=sum(counts.values()),
                       answer=answer, page=Paginator(targets, 50).get_page(request.GET.get("page")))
    else:
        context["target"] = CollectionTarget.objects.visible_to(user).filter(round=round_).first()
    return render(request, "projects/round_detail.html", context)


@require_POST
@predicate_required(_holds_or_staff)
def round_answer(request, pk):
    target = get_object_or_404(CollectionTarget.objects.visible_to(request.user).select_related("round"), pk=pk)
    post, user = request.POST, request.user
    if post.get("nothing"):
        _run(request, lambda: services.declare_nothing(target, user), _("Recorded: nothing to report."))
    else:
        achievements = [{"title": t, "summary": s} for t, s in zip(post.getlist("a_title"), post.getlist("a_summary")) if t.strip()]
        demands = [{"title": t, "problem": p} for t, p in zip(post.getlist("d_title"), post.getlist("d_problem")) if t.strip()]
        _run(request, lambda: services.answer_round(target, user, achievements, demands), _("Thank you; the records were collected."))
    return redirect(target.round)


# ---------------------------------------------------------------------------------------- statistics


@predicate_required(sees_everything)
def statistics_page(request):
    tables = statistics.tables()
    if request.GET.get("export") == "xlsx":
        from kechuang.core.exports import workbook_bytes

        response = HttpResponse(workbook_bytes([(str(t.title)[:31], [str(h) for h in t.headers], t.rows) for t in tables]),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="project-statistics.xlsx"'
        return response
    return render(request, "projects/statistics.html", {"tables": tables, **statistics.totals()})
