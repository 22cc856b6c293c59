"""The demo's S&T project programme, written in bulk with the ledger entries its states imply.

Three calls: a 2-year-old call taken through every stage (applications rejected, returned and corrected,
reviewed by five experts, approved or not, 公示, projects paid 40/40/20 through the ledger, one accepted,
one terminated with recovery, one extended, one late); an anonymised call under review whose
applications wait for the demo `expert` login (天津大学, so no application of 天津大学's is assigned to
it); a call open now with drafts and submissions (the demo enterprise has one). A collection round over
every in-district firm, part answered, part 无, part silent, its answers in the technology market.
See `kechuang.demo` for the contract this module follows."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kechuang.core.audit import record_all_created
from kechuang.core.choices import Role
from kechuang.core import ledger
from kechuang.core.ledger import EntryKind, LedgerAccount, LedgerEntry, to_money
from kechuang.core.scoring import aggregate, rank, weighted_total
from kechuang.demo import fake, register
from kechuang.projects.choices import (
    AcceptanceResult, Answer, ApplicationState, AssignmentState, CallState, ChangeKind, ChangeState, CheckResult,
    CollectionKind, ExpertLevel, IndicatorKind, MilestoneKind, MilestoneState, OutcomeKind, ProjectState, ReportState,
    TargetPopulation,
)
from kechuang.projects.models import (
    Application, Assignment, BudgetLine, Call, CoApplicant, CollectionRound, CollectionSubmission, CollectionTarget,
    Expert, Indicator, Milestone, Objection, Outcome, PanelMeeting, ProgressReport, Project, ProjectChange, ProjectCheck,
)
from kechuang.projects.services import REPORT_MONTHS, _add_months, application_number, award_reference, project_number
from kechuang.registry.models import Certificate, Enterprise, IntellectualProperty
from kechuang.techmarket.choices import InstitutionKind, SolutionMode
from kechuang.techmarket.models import Achievement, Demand, Institution

EMPLOYERS = ("天津大学", "南开大学", "河北工业大学", "天津理工大学", "中国科学院天津工业生物技术研究所", "天津科技大学",
             "中国民航大学", "天津工业大学", "天津医科大学", "国家超级计算天津中心")
FIELDS = ("10", "20", "30", "40", "50", "60", "70", "80")
CRITERIA = [
    {"key": "innovation", "label": "技术创新性", "weight": 30, "maximum": 30},
    {"key": "feasibility", "label": "技术路线可行性", "weight": 25, "maximum": 25},
    {"key": "team", "label": "团队与基础条件", "weight": 20, "maximum": 20},
    {"key": "benefit", "label": "经济社会效益", "weight": 25, "maximum": 25},
]
SCHEDULE = [{"kind": "signing", "share": "0.4"}, {"kind": "mid_term", "share": "0.4"}, {"kind": "acceptance", "share": "0.2"}]
FORM = [{"key": "summary", "label": "项目摘要", "required": True}, {"key": "basis", "label": "研究基础", "required": True},
        {"key": "team", "label": "团队介绍", "identifying": True}]
TOPICS = ("高精度工业视觉检测系统", "新型锂电池正极材料", "海洋装备防腐涂层", "细胞治疗药物制备工艺", "智能网联汽车域控制器",
          "工业互联网安全网关", "氢燃料电池膜电极", "高端数控机床主轴", "生物基可降解材料", "5G 小基站射频芯片",
          "航空复合材料构件", "智慧港口调度平台", "医用植入器械表面改性", "大模型行业应用引擎", "碳化硅功率器件封装")
CALLS = (
    # code, title, programme, months before as_of it opened, state, anonymised
    ("kjgg-2024", "2024年度关键核心技术攻关项目", "key_technology", 26, CallState.DECIDED, False),
    ("zxqy-2025", "2025年度中小企业研发提升项目", "sme_rd", 2, CallState.REVIEW, True),
    ("kjjl-2026", "科技奖励后补助项目", "award", 0, CallState.OPEN, False),
)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


class ProjectsBuilder:
    def __init__(self, context):
        self.context, self.rng, self.as_of = context, context.rng, context.as_of
        self.officer = context.users.get(Role.OFFICER)
        self.entries: list[LedgerEntry] = []

    def build(self) -> None:
        firms = list(Enterprise.objects.in_district().filter(serious_dishonesty=False).order_by("uscc")[: self.context.scaled(60)])
        if len(firms) < 12:
            return
        experts = self._experts()
        demo_user = self.context.users.get(Role.ENTERPRISE)
        demo_firm = demo_user.enterprises.order_by("pk").first() if demo_user is not None else None
        counts = {}
        for code, title, programme, months, state, anonymised in CALLS:
            call = self._call(code, title, programme, months, state, anonymised)
            pool = [f for f in firms if f != demo_firm]
            applicants = self.rng.sample(pool, min(len(pool), self.context.scaled(10)))
            if state == CallState.OPEN and demo_firm is not None:
                applicants = [demo_firm] + applicants[:5]
            counts[code] = self._applications(call, applicants, experts)
        projects = self._projects(Call.objects.get(code=CALLS[0][0]))
        LedgerEntry.objects.bulk_create(self.entries)
        collected = self._collection_round()
        self.context.stdout.write(
            f"projects: {len(CALLS)} calls, {sum(counts.values())} applications, {len(experts)} experts, {projects} projects, "
            f"{len(self.entries)} ledger entries, {collected} collection targets\n")

    # ---------------------------------------------------------------------------- experts and calls

    def _experts(self) -> list[Expert]:
        made = []
        expert_user = self.context.users.get(Role.EXPERT)
        if expert_user is not None:
            made.append(Expert(user=expert_user, name=expert_user.get_full_name() or fake.person(self.rng), field_id="10",
                               employer=expert_user.organisation or "天津大学", level=ExpertLevel.MUNICIPAL))
        for field in FIELDS:
            for index in range(self.context.scaled(6)):  # the pool grows with the applications it reviews
                made.append(Expert(name=fake.person(self.rng), field_id=field, employer=EMPLOYERS[(index + int(field[0])) % len(EMPLOYERS)],
                                   level=(ExpertLevel.NATIONAL, ExpertLevel.MUNICIPAL, ExpertLevel.DISTRICT)[index % 3]))
        Expert.objects.bulk_create(made)
        record_all_created(made)
        return made

    def _call(self, code, title, programme, months, state, anonymised) -> Call:
        opens = _add_months(self.as_of, -months) if months else self.as_of - dt.timedelta(days=10)
        deadline = opens + dt.timedelta(days=40) if months else self.as_of + dt.timedelta(days=30)
        budget = Decimal(self.context.scaled(10) * 100)
        account = ledger.open_account(f"projects.call:{code}", title, budget, self.officer)
        call = Call(code=code, title=title, programme=programme, year=opens.year, budget=budget, opens_on=opens, deadline=deadline,
                    anonymised=anonymised, state=state, account=account, created_by=self.officer, criteria=CRITERIA,
                    payment_schedule=SCHEDULE, form_fields=FORM, attachments=[],
                    eligibility={"in_district": True, "certificates": [], "no_serious_dishonesty": True},
                    bands=[{"label": "重点项目", "minimum": 50, "maximum": 200, "share": "0.5", "per_firm": 200},
                           {"label": "一般项目", "minimum": 10, "maximum": 50, "share": "0.5", "per_firm": 200}],
                    description="支持企业围绕本区重点产业开展关键技术研发，按规模分档支持，分阶段拨付。")
        if state == CallState.DECIDED:
            call.publicity_from = deadline + dt.timedelta(days=50)
            call.publicity_until = call.publicity_from + dt.timedelta(days=call.objection_days - 1)
        call.save()
        return call

    # ---------------------------------------------------------------------------------- applications

    def _applications(self, call: Call, applicants, experts) -> int:
        rng, decided = self.rng, call.state == CallState.DECIDED
        criteria = call.criterion_list
        made, lines, partners, assignments = [], [], [], []
        for serial, firm in enumerate(applicants, start=1):
            band = 0 if serial % 3 else 1
            requested = Decimal(rng.choice((60, 80, 100, 150)) if band == 0 else rng.choice((20, 30, 40)))
            total = requested * 2 + Decimal(rng.choice((0, 20, 40)))
            state = self._fate(call, serial, firm)
            application = Application(
                call=call, number=application_number(call, serial), enterprise=firm,
                title=f"{rng.choice(TOPICS)}研发及产业化"[:200], field_id=firm.high_tech_domain_id[:2] if firm.high_tech_domain_id else "10",
                leader=fake.person(rng), band=band, total_cost=total, own_funds=total - requested, requested=requested, state=state,
                answers={"summary": "面向本区主导产业需求，突破关键工艺并实现样机验证。", "basis": "已有相关专利和中试线。",
                         "team": f"{firm.name}研发中心"},
                submitted_on=None if state == ApplicationState.DRAFT else min(call.deadline - dt.timedelta(days=rng.randint(1, 20)), self.as_of),
            )
            if application.field_id not in FIELDS or call.anonymised and serial % 2 == 0:
                application.field_id = "10"
            if state == ApplicationState.REJECTED:
                application.formal_reason = "申报内容不符合本指南支持方向"
            if serial == 2 and call.state != CallState.OPEN:
                application.returned_count, application.returned_on = 1, application.submitted_on
                application.formal_reason = "已按要求补充盖章页"
            made.append(application)
            lines += [BudgetLine(application=application, category="equipment", own_funds=total - requested, requested=requested - requested / 4),
                      BudgetLine(application=application, category="labour", own_funds=Decimal(0), requested=requested / 4)]
            if serial % 4 == 0:
                partners.append(CoApplicant(application=application, name=EMPLOYERS[serial % len(EMPLOYERS)]))
        Application.objects.bulk_create(made)
        record_all_created(made)
        record_all_created(BudgetLine.objects.bulk_create(lines))
        record_all_created(CoApplicant.objects.bulk_create(partners))
        reviewed = [a for a in made if a.state in (ApplicationState.COMPLETE, ApplicationState.APPROVED, ApplicationState.NOT_APPROVED)]
        for application in reviewed:
            assignments += self._assign(application, experts, criteria, scored=decided or application.number[-1] in "13579")
        Assignment.objects.bulk_create(assignments)
        record_all_created(assignments)
        if reviewed:
            self._decide(call, reviewed, assignments)
        return len(made)

    def _fate(self, call: Call, serial: int, firm) -> str:
        if call.state == CallState.OPEN:
            return ApplicationState.DRAFT if serial == 1 or serial % 2 else ApplicationState.SUBMITTED
        if serial == 1:
            return ApplicationState.REJECTED
        if call.state == CallState.REVIEW:
            return ApplicationState.SUBMITTED if serial == 3 else ApplicationState.COMPLETE
        return ApplicationState.COMPLETE

    def _assign(self, application, experts, criteria, scored: bool) -> list[Assignment]:
        names = {application.enterprise.name, application.enterprise.uscc}
        names |= {p.name for p in application.co_applicants.all()} if application.pk else set()
        fit = [e for e in experts if e.field_id == application.field_id and e.employer not in names]
        demo = next((e for e in fit if e.user_id), None)
        others = [e for e in fit if not e.user_id]
        chosen = ([demo] if demo and application.call.anonymised else []) + others[: 5 - (1 if demo and application.call.anonymised else 0)]
        made = []
        for expert in chosen:
            assignment = Assignment(application=application, expert=expert)
            if scored and not expert.user_id:
                scores = {c.key: Decimal(self.rng.randint(int(c.maximum * Decimal("0.55")), int(c.maximum))) for c in criteria}
                assignment.scores = {k: str(v) for k, v in scores.items()}
                assignment.total = weighted_total(criteria, scores)
                assignment.state, assignment.comment, assignment.scored_at = AssignmentState.SCORED, "技术路线清晰，预期效益明确。", _moment(self.as_of)
            made.append(assignment)
        return made

    def _decide(self, call: Call, reviewed, assignments) -> None:
        by_application: dict = {}
        for assignment in assignments:
            if assignment.total is not None:
                by_application.setdefault(assignment.application_id, []).append(assignment.total)
        for application in reviewed:
            result = aggregate(by_application.get(application.pk, []))
            application.score, application.score_method = result.value, result.method if result.count else ""
        for position, application in rank(reviewed, lambda a: a.score):
            application.rank = position or None
        if call.state == CallState.DECIDED:
            budget = call.budget
            for position, application in sorted(((a.rank or 99, a) for a in reviewed), key=lambda pair: (pair[0], pair[1].number)):
                if position <= max(2, len(reviewed) * 2 // 3) and application.requested <= budget:
                    application.state, application.awarded = ApplicationState.APPROVED, application.requested
                    application.decision_reason = f"综合评分 {application.score}，排名第 {application.rank}"
                    budget -= application.requested
                else:
                    application.state, application.decision_reason = ApplicationState.NOT_APPROVED, "综合评分未进入支持范围"
            PanelMeeting.objects.create(call=call, held_on=call.deadline + dt.timedelta(days=30), recorded_by=self.officer,
                                        minutes="评审会按领域分组评审，专家回避与本单位有关的项目；按综合评分排序提出立项建议。")
            first = next(a for a in reviewed if a.state == ApplicationState.APPROVED)
            Objection.objects.create(call=call, application=first, text="对排名有疑问", lodged_on=call.publicity_from + dt.timedelta(days=2),
                                     lodged_by=self.officer, response="经复核，评分与排名无误。")
        Application.objects.bulk_update(reviewed, ["score", "score_method", "rank", "state", "awarded", "decision_reason"])

    # ------------------------------------------------------------------------------------- projects

    def _post(self, account, kind, amount, reference, day, note):
        self.entries.append(LedgerEntry(account=account, kind=kind, amount=amount, reference=reference, note=note,
                                        by=self.officer, at=_moment(day)))
        if kind == EntryKind.RESERVE:
            account.reserved += amount
        elif kind == EntryKind.RELEASE:
            account.reserved -= amount
        elif kind == EntryKind.PAY:
            account.paid += amount
        else:
            account.paid -= amount

    def _projects(self, call: Call) -> int:
        approved = list(call.applications.filter(state=ApplicationState.APPROVED).select_related("enterprise").order_by("number"))
        start = call.publicity_until + dt.timedelta(days=3)
        fates = ("passed", "late", "terminated", "extended")
        projects = []
        for serial, application in enumerate(approved):
            number = project_number(application)
            account = ledger.open_account(f"projects.project:{number}", f"{application.title[:150]} · {number}", application.awarded,
                                          self.officer)
            self._post(call.account, EntryKind.RESERVE, application.awarded, award_reference(application), call.deadline + dt.timedelta(days=35), "立项")
            project = Project(application=application, call=call, number=number, enterprise=application.enterprise, title=application.title,
                              leader=application.leader, award=application.awarded, goals="完成样机研制并实现小批量生产。", starts_on=start,
                              ends_on=_add_months(start, call.project_months), signed_on=start + dt.timedelta(days=14), account=account,
                              state=ProjectState.UNDERWAY)
            project.fate = fates[serial % len(fates)]
            projects.append(project)
        Project.objects.bulk_create(projects)
        record_all_created(projects)
        milestones, reports, indicators, checks, changes = [], [], [], [], []
        for project in projects:
            milestones += self._milestones(project)
            reports += self._reports(project)
            indicators += [Indicator(project=project, kind=IndicatorKind.PATENTS, name="申请发明专利", target=3,
                                     achieved=3 if project.fate == "passed" else 1),
                           Indicator(project=project, kind=IndicatorKind.REVENUE, name="新增销售收入", target=500,
                                     achieved=620 if project.fate == "passed" else 0)]
            checks += self._checks(project)
            if project.fate == "extended":
                before = project.ends_on
                project.ends_on = _add_months(before, 6)
                changes.append(ProjectChange(project=project, kind=ChangeKind.EXTENSION, proposal={"ends_on": project.ends_on.isoformat()},
                                             before={"ends_on": before.isoformat()}, reason="关键设备到货延迟", state=ChangeState.APPROVED,
                                             requested_on=self.as_of - dt.timedelta(days=40), decided_by=self.officer, decision_comment="同意延期六个月"))
        outcomes = self._outcomes([p for p in projects if p.fate in ("passed", "extended")])
        for model, rows in ((Milestone, milestones), (ProgressReport, reports), (Indicator, indicators), (ProjectCheck, checks),
                            (ProjectChange, changes), (Outcome, outcomes)):
            model.objects.bulk_create(rows)
            record_all_created(rows)
        Project.objects.bulk_update(projects, ["state", "closed_on", "closing_opinion", "recovered", "ends_on"])
        accounts = [call.account] + [p.account for p in projects]
        LedgerAccount.objects.bulk_update(accounts, ["reserved", "paid"])
        return len(projects)

    def _outcomes(self, projects) -> list[Outcome]:
        """The holder's patents and certificates the project lists as its results (the registry's own records)."""
        made = []
        for project in projects:
            ip = IntellectualProperty.objects.filter(owners=project.enterprise).order_by("number").first()
            if ip is not None:
                made.append(Outcome(project=project, kind=OutcomeKind.IP, uscc=project.enterprise.uscc, number=ip.number, ip=ip,
                                    linked_by=self.officer))
            certificate = Certificate.objects.filter(enterprise=project.enterprise).order_by("number").first()
            if certificate is not None:
                made.append(Outcome(project=project, kind=OutcomeKind.CERTIFICATE, uscc=project.enterprise.uscc,
                                    number=certificate.number, certificate=certificate, linked_by=self.officer))
        return made

    def _milestones(self, project) -> list[Milestone]:
        award, reference, call = project.award, award_reference(project.application), project.call
        due = {MilestoneKind.SIGNING: project.starts_on + dt.timedelta(days=30),
               MilestoneKind.MID_TERM: _add_months(project.starts_on, call.project_months // 2),
               MilestoneKind.ACCEPTANCE: project.ends_on}
        amounts = [to_money(award * Decimal("0.4")), to_money(award * Decimal("0.4"))]
        amounts.append(award - sum(amounts))
        accepted = {"passed": 3, "late": 1, "terminated": 1, "extended": 1}[project.fate]
        # an early acceptance, a few days before the demo's date
        accepted_on = self.as_of - dt.timedelta(days=10)
        made = []
        for order, (kind, amount) in enumerate(zip(MilestoneKind.values, amounts), start=1):
            milestone = Milestone(project=project, order=order, kind=kind, due_on=due[kind], amount=amount)
            if order <= accepted:
                day = {MilestoneKind.SIGNING: project.signed_on, MilestoneKind.MID_TERM: min(due[kind], self.as_of)}.get(kind, accepted_on)
                milestone.state, milestone.accepted_on, milestone.paid_on, milestone.paid_amount = MilestoneState.PAID, day, day, amount
                for account, kinds in ((call.account, (EntryKind.RELEASE, EntryKind.PAY)), (project.account, (EntryKind.PAY,))):
                    for entry_kind in kinds:
                        self._post(account, entry_kind, amount, reference, day, f"projects.payment:{project.number}/{order} {milestone.get_kind_display()}")
            elif project.fate == "terminated":
                milestone.state = MilestoneState.CANCELLED
            made.append(milestone)
        if project.fate == "passed":
            project.state, project.closed_on, project.closing_opinion = ProjectState.PASSED, accepted_on, "全面完成任务书指标"
        elif project.fate == "terminated":
            day = _add_months(project.starts_on, 8)
            recover = amounts[0]
            self._post(project.account, EntryKind.REFUND, recover, reference, day, "终止追回")
            self._post(call.account, EntryKind.REFUND, recover, reference, day, "终止追回")
            self._post(call.account, EntryKind.RELEASE, award - amounts[0], reference, day, "终止")
            project.state, project.closed_on, project.recovered = ProjectState.TERMINATED, day, recover
            project.closing_opinion = "企业迁出本区，终止项目并追回已拨资金"
        return made

    def _reports(self, project) -> list[ProgressReport]:
        made, due, period = [], _add_months(project.starts_on, REPORT_MONTHS), 1
        while due < project.ends_on and (project.closed_on is None or due <= project.closed_on):
            report = ProgressReport(project=project, period=f"第 {period} 期进展报告", due_on=due)
            if due <= self.as_of and not (project.fate == "late" and period >= 3):
                report.state, report.submitted_on = ReportState.ACCEPTED, due - dt.timedelta(days=3)
                report.text, report.spent = "按任务书推进，完成阶段目标。", to_money(project.application.total_cost * Decimal(period) / 5)
                report.review_comment = "同意"
            made.append(report)
            due, period = _add_months(due, REPORT_MONTHS), period + 1
        return made

    def _checks(self, project) -> list[ProjectCheck]:
        mid = _add_months(project.starts_on, project.call.project_months // 2)
        if project.fate in ("terminated", "late") or mid > self.as_of:
            return []
        result = CheckResult.RECTIFY if project.fate == "extended" else CheckResult.PASSED
        made = [ProjectCheck(project=project, kind=MilestoneKind.MID_TERM, held_on=mid, result=result, opinion="进展基本符合任务书",
                             by=self.officer)]
        if project.fate == "passed":
            made.append(ProjectCheck(project=project, kind=MilestoneKind.ACCEPTANCE, held_on=project.closed_on,
                                     result=AcceptanceResult.PASSED, opinion="全面完成任务书指标", by=self.officer))
        return made

    # ------------------------------------------------------------------------------ collection round

    def _collection_round(self) -> int:
        opens = self.as_of - dt.timedelta(days=20)
        round_ = CollectionRound.objects.create(code=f"dqsj-{opens.year}", title=f"{opens.year}年度企业研发成果及需求定期收集",
                                                kind=CollectionKind.BOTH, population=TargetPopulation.DISTRICT, opens_on=opens,
                                                deadline=self.as_of + dt.timedelta(days=10), created_by=self.officer)
        # The firms themselves, not their ids: each target's audit entry names its firm.
        firms = list(Enterprise.objects.in_district().order_by("uscc").only("name"))
        targets = []
        for index, firm in enumerate(firms):
            fate = (Answer.ANSWERED, Answer.NOTHING, Answer.SILENT, Answer.SILENT, Answer.SILENT)[index % 5]
            targets.append(CollectionTarget(round=round_, enterprise=firm, answer=fate,
                                            answered_on=None if fate == Answer.SILENT else opens + dt.timedelta(days=index % 15)))
        CollectionTarget.objects.bulk_create(targets, batch_size=2000)
        record_all_created(targets)
        answered = [t for t in targets if t.answer == Answer.ANSWERED][: self.context.scaled(20)]
        names = {firm.pk: firm.name for firm in firms}
        demands = [Demand(enterprise_id=t.enterprise_id, title=f"{self.rng.choice(TOPICS)}技术需求", problem="现有工艺良率偏低，需要联合攻关。",
                          solution_mode=SolutionMode.COOPERATIVE, posted_on=t.answered_on) for t in answered]
        owners = {i.enterprise_id: i for i in Institution.objects.filter(enterprise_id__in=[t.enterprise_id for t in answered[::2]])}
        new = [Institution(name=names[t.enterprise_id], kind=InstitutionKind.ENTERPRISE, enterprise_id=t.enterprise_id)
               for t in answered[::2] if t.enterprise_id not in owners and not Institution.objects.filter(name=names[t.enterprise_id]).exists()]
        Institution.objects.bulk_create(new)
        record_all_created(new)
        owners.update({i.enterprise_id: i for i in new})
        achievements = [Achievement(owner=owners[t.enterprise_id], title=f"{self.rng.choice(TOPICS)}成果", summary="已完成中试验证，可许可或转让。",
                                    maturity=6, by_transfer=True) for t in answered[::2] if t.enterprise_id in owners]
        from kechuang.techmarket.matcher import index

        Demand.objects.bulk_create(demands)
        Achievement.objects.bulk_create(achievements)
        record_all_created(demands + achievements)
        index.index_rows(Demand, Demand.objects.filter(pk__in=[d.pk for d in demands]))
        index.index_rows(Achievement, Achievement.objects.filter(pk__in=[a.pk for a in achievements]))
        by_target = {t.enterprise_id: t for t in answered}
        submissions = [CollectionSubmission(target=by_target[d.enterprise_id], demand=d, submitted_on=d.posted_on) for d in demands]
        submissions += [CollectionSubmission(target=by_target[a.owner.enterprise_id], achievement=a,
                                             submitted_on=by_target[a.owner.enterprise_id].answered_on) for a in achievements]
        CollectionSubmission.objects.bulk_create(submissions)
        record_all_created(submissions)
        return len(targets)


@register("projects", after=("registry", "techmarket"))
def populate(context):
    ProjectsBuilder(context).build()
