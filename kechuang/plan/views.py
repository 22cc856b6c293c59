
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kechuang.core import clock
from kechuang.core.exports import XLSX_CONTENT_TYPE, attachment_disposition
from kechuang.core.tables import Column
from kechuang.core.uploads import attachment_response
from kechuang.core.views import ObjectListView, PredicateRequiredMixin
from kechuang.plan import reports, services, supervision
from kechuang.plan.supervision import plan_date
from kechuang.plan.choices import Light, Status
from kechuang.plan.evaluation import Evaluator, format_progress, format_value, read_plan, year_ends_computed_at
from kechuang.plan.filtersets import ManualFigureFilterSet, PlanFilterSet, ProgressReportFilterSet, TaskFilterSet
from kechuang.plan.forms import ManualFigureForm, ProgressReportForm, ReviewForm
from kechuang.plan.indicators import FIGURE_COLUMNS, GDP, RD_EXPENDITURE
from kechuang.plan.models import Evidence, Indicator, ManualFigure, Plan, ProgressReport, Task
from kechuang.plan.permissions import can_manage_plan, can_report_on, can_view_indicators
from kechuang.plan.workflow import REPORT

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class PlanListView(ObjectListView):
    predicate = can_view_indicators
    model = Plan
    filterset_class = PlanFilterSet
    title = gettext_lazy("Plans")
    export_name = "plans"
    columns = [
        Column("计划名称", "name"),
        Column("代码", "code"),
        Column("文号", "document_number"),
        Column("发文单位", "issuer"),
        Column("起始年度", "start_year"),
        Column("结束年度", "end_year"),
        Column("上级计划", "parent"),
    ]

    def get(self, request, *args, **kwargs):
        plans = Plan.objects.visible_to(request.user)
        if not request.GET and plans.count() == 1:
            return redirect("plan:cockpit", plans.get().code)
        return super().get(request, *args, **kwargs)


class CockpitView(PredicateRequiredMixin, View):
    predicate = can_view_indicators

    def get(self, request, code):
        plan = get_object_or_404(Plan.objects.visible_to(request.user), code=code)
        page_as_of = plan_date(request, [plan])
        as_of = page_as_of.date
        readings = read_plan(plan, as_of)
        cards = [_card(plan, reading) for reading in readings]
        counts = {status: sum(1 for r in readings if r.status == status) for status in Status}
        return render(request, "plan/cockpit.html", {
            "plan": plan,
            "as_of": as_of,
            "page_date": page_as_of,
            "cards": cards,
            "counts": [(Status(s).label, n, s) for s, n in counts.items() if n],
            "charts": {card["code"]: card["chart"] for card in cards},
            "demo_targets": plan.indicators.filter(year_targets__is_demo=True).exists(),
            "periods": supervision.periods(plan),
            "years": list(plan.years),
            "can_manage": can_manage_plan(request.user),
            "year_ends_computed_at": year_ends_computed_at(plan),
        })


BADGE = {Status.MET: "ok", Status.ON_TRACK: "ok", Status.AT_RISK: "warn", Status.BEHIND: "bad", Status.NO_DATA: ""}


def _card(plan, reading) -> dict:
    indicator, unit = reading.indicator, reading.indicator.unit
    forecast = reading.forecast
    scale = 100 if unit == "%" else 1
    history = [(day.isoformat(), float(value) * scale) for day, value in reading.history]
    targets = [(f"{t.year}-12-31", float(t.value) * scale) for t in indicator.year_targets.all()]
    return {
        "code": indicator.code,
        "name": indicator.name,
        "clause": indicator.clause,
        "direction": indicator.get_direction_display(),
        "kind": indicator.get_kind_display(),
        "actual": format_value(reading.actual, unit),
        "year_target": format_value(reading.year_target, unit),
        "target": format_value(reading.target, unit),
        "expected": format_value(reading.expected, unit),
        "progress": format_progress(reading.progress),
        "progress_width": min(100, float(reading.progress or 0) * 100),
        "status": reading.status,
        "status_label": reading.status.label,
        "badge": BADGE[reading.status],
        "note": reading.measure.note,
        "trend": format_value(forecast.trend.value, unit),
        "trend_assumptions": forecast.trend.assumptions,
        "pipeline": forecast.pipeline and {
            "value": format_value(forecast.pipeline.value, unit),
            "assumptions": forecast.pipeline.assumptions,
        },
        "demo": any(t.is_demo for t in indicator.year_targets.all()),
        "records_url": reverse("plan:records", args=[plan.code, indicator.code]) + f"?as_of={reading.as_of.isoformat()}",
        "chart": {
            "history": history,
            "targets": targets,
            "final": [plan.ends.isoformat(), float(indicator.target) * scale],
            "forecast": [plan.ends.isoformat(), float(forecast.trend.value) * scale] if forecast.trend.value is not None else None,
            "unit": "%" if unit == "%" else unit,
        },
    }


class IndicatorRecordsView(ObjectListView):
    """The records behind one indicator value (drill-down), with the same .xlsx export as every list."""

    predicate = can_view_indicators
    template_name = "plan/records.html"
    paginate_by = 100

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(Plan.objects.visible_to(request.user), code=kwargs["code"])
        self.indicator = get_object_or_404(Indicator, plan=self.plan, code=kwargs["indicator"])
        self.page_date = plan_date(request, [self.plan])
        self.as_of = self.page_date.date
        self.measure = Evaluator(self.plan).measure(self.indicator, self.as_of)
        self.columns = self.measure.columns
        self.title = f"{self.indicator.name} · {self.as_of.isoformat()}"
        self.export_name = f"{self.indicator.code}-{self.as_of.isoformat()}"
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        records = self.measure.records
        # A value with no records (nothing entered yet) is an empty list, not a queryset.
        return records if hasattr(records, "iterator") else ManualFigure.objects.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            plan=self.plan, indicator=self.indicator, as_of=self.as_of, page_date=self.page_date,
            value=format_value(self.measure.value, self.indicator.unit), note=self.measure.note,
        )
        return context


class ManualFigureListView(ObjectListView):
    predicate = can_view_indicators
    model = ManualFigure
    filterset_class = ManualFigureFilterSet
    template_name = "plan/figures.html"
    columns = [
        *FIGURE_COLUMNS,
        Column("录入人", lambda f: f.entered_by and (f.entered_by.get_full_name() or f.entered_by.username)),
    ]

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(Plan, code=kwargs["code"])
        self.title = _("Statistics figures of %(plan)s") % {"plan": self.plan.name}
        self.export_name = f"{self.plan.code}-figures"
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return (ManualFigure.objects.visible_to(self.request.user).filter(plan=self.plan)
                .select_related("entered_by").prefetch_related("plan__indicators"))

    def keys(self):
        manual = [(i.code, i.name) for i in self.plan.indicators.filter(kind="manual")]
        return [(RD_EXPENDITURE, _("R&D expenditure (10k yuan)")), (GDP, _("GDP (10k yuan)")), *manual]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, form=kwargs.get("form") or ManualFigureForm(keys=self.keys()),
                       can_manage=can_manage_plan(self.request.user))
        return context

    def post(self, request, code):
        form = ManualFigureForm(request.POST, request.FILES, keys=self.keys())
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.enter_figure(request.user, self.plan, data["key"], data["date"], data["value"], data["source"], data.get("evidence"))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Figure saved."))
                return redirect("plan:figures", self.plan.code)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


class TaskBoardView(PredicateRequiredMixin, View):
    """Tasks by lead department, each with its light; filter by plan, department and light."""

    template_name = "plan/board.html"

    def tasks(self, request):
        tasks = Task.objects.visible_to(request.user)
        self.filterset = TaskFilterSet(request.GET or None, queryset=tasks, request=request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else tasks

    def get(self, request):
        tasks = self.tasks(request)
        page_as_of = plan_date(request, Plan.objects.filter(pk__in=tasks.values("plan_id")))
        as_of = page_as_of.date
        statuses = supervision.statuses(tasks, as_of)
        wanted = request.GET.get("light")
        if wanted in Light.values:
            statuses = [s for s in statuses if s.light == wanted]
        if request.GET.get("export") == "xlsx":
            rows = reports.Summary(None, "", as_of, [], statuses).task_rows()
            from kechuang.core.exports import dated_filename, xlsx_response

            title = self.title(request)
            return xlsx_response(dated_filename(title, as_of), reports.TASK_HEADERS, rows, "任务", caption=title, as_of=as_of)
        groups: dict[str, list] = {}
        for status in statuses:
            name = status.task.lead_department.name if status.task.lead_department else reports.UNASSIGNED
            groups.setdefault(name, []).append(status)
        query = request.GET.copy()
        query.pop("export", None)
        return render(request, self.template_name, {
            "title": self.title(request),
            "groups": sorted(groups.items()),
            "filterset": self.filterset,
            "lights": Light.choices,
            "light": wanted,
            "as_of": as_of,
            "page_date": page_as_of,
            "totals": {light: sum(1 for s in statuses if s.light == light) for light in Light.values},
            "querystring": query.urlencode(),
        })

    def title(self, request):
        return _("Task board")


class MyDepartmentView(TaskBoardView):
    """A liaison's own page: the tasks of their department, what is due, their notifications."""

    template_name = "plan/my_department.html"

    def tasks(self, request):
        self.filterset = None
        return Task.objects.visible_to(request.user)

    def title(self, request):
        department = request.user.department
        return _("Tasks of %(department)s") % {"department": department.name if department else "—"}


class TaskDetailView(PredicateRequiredMixin, View):
    def get_task(self, request, pk):
        return get_object_or_404(Task.objects.visible_to(request.user).select_related("plan", "area", "lead_department"), pk=pk)

    def get(self, request, pk, form=None):
        task = self.get_task(request, pk)
        as_of = clock.today()
        may_report = can_report_on(request.user, task)
        plan_periods = supervision.periods(task.plan)
        if form is None and may_report:
            current = supervision.open_period(task.plan, as_of)
            form = ProgressReportForm(periods=[p for p in plan_periods if p.start <= as_of] or plan_periods,
                                      initial={"period": current.label if current else None})
        return render(request, "plan/task_detail.html", {
            "task": task,
            "status": supervision.task_status(task, as_of, plan_periods),
            "reports": task.reports.select_related("submitted_by", "reviewed_by").prefetch_related("evidence"),
            "form": form,
        })

    def post(self, request, pk):
        task = self.get_task(request, pk)
        form = ProgressReportForm(request.POST, request.FILES, periods=supervision.periods(task.plan))
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.submit_report(request.user, task, data["period"], data["text"], data["percent"], data["evidence"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Progress report submitted for review."))
                return redirect(report)
        return self.get(request, pk, form=form)


class ReportDetailView(PredicateRequiredMixin, View):
    def get_report(self, request, pk):
        return get_object_or_404(ProgressReport.objects.visible_to(request.user).select_related("task", "task__plan"), pk=pk)

    def get(self, request, pk, form=None):
        report = self.get_report(request, pk)
        return render(request, "plan/report_detail.html", {
            "report": report,
            "transitions": REPORT.available(request.user, report),
            "form": form or ReviewForm(),
            "resubmit_url": reverse("plan:task", args=[report.task_id]),
        })

    def post(self, request, pk):
        report = self.get_report(request, pk)
        name = request.POST.get("transition", "")
        if name not in REPORT.transitions or name == "resubmit":  # resubmitting is writing it again, on the task page
            raise Http404
        form = ReviewForm(request.POST)
        form.is_valid()
        try:
            services.move(request.user, report, name, comment=form.cleaned_data.get("comment", ""))
        except ValidationError as error:
            form.add_error(None, error)
            return self.get(request, pk, form=form)
        messages.success(request, _("Report %(report)s: %(action)s.") % {"report": report, "action": REPORT.get(name).label})
        return redirect("plan:reviews")


class EvidenceDownloadView(PredicateRequiredMixin, View):
    """An evidence file, to the people who may see its report, as a download."""

    def get(self, request, report_pk, pk):
        report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=report_pk)
        evidence = get_object_or_404(Evidence, pk=pk, report=report)
        return attachment_response(evidence.file, evidence.name)


class ReviewListView(ObjectListView):
    model = ProgressReport
    filterset_class = ProgressReportFilterSet
    title = gettext_lazy("Progress reports")
    export_name = "progress-reports"
    columns = [
        Column("任务编号", "task.code"),
        Column("任务", "task.title"),
        Column("牵头单位", "task.lead_department"),
        Column("期次", "period"),
        Column("进度(%)", "percent", numeric=True),
        Column("状态", "state"),
        Column("报送人", "submitted_by"),
        Column("报送时间", "submitted_at"),
    ]

    def base_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user).select_related(
            "task", "task__lead_department", "submitted_by"
        ).order_by("state", "-submitted_at")


class ReportDownloadView(PredicateRequiredMixin, View):
    """督查通报 for a period (?period=2022-Q3) or the yearly summary (?year=2022), as docx or xlsx."""

    predicate = can_view_indicators

    def get(self, request, code, fmt):
        plan = get_object_or_404(Plan.objects.visible_to(request.user), code=code)
        try:
            if request.GET.get("year"):
                summary = reports.year_summary(plan, int(request.GET["year"]))
            else:
                summary = reports.period_summary(plan, request.GET.get("period", ""))
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("plan:cockpit", plan.code)
        if fmt == "docx":
            red_head = request.GET.get("variant") == "red"
            number = request.GET.get("number", "")[:40]
            content, content_type = reports.docx(summary, red_head, number), DOCX_CONTENT_TYPE
        else:
            content, content_type = reports.xlsx(summary), XLSX_CONTENT_TYPE
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = attachment_disposition(f"{summary.title}.{fmt}")
        return response
