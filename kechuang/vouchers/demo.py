"""The demo's voucher programme: the shipped schemes, service providers with their services and
instruments, and claims in every state, written in bulk with the ledger entries their states imply.

The demo provider login runs an IP and technology-transfer agency with approved claims waiting for it to
deliver and redeem; the demo enterprise has claims of its own; officers find a review queue."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from kechuang.core.audit import record_bulk, snapshot
from kechuang.core.choices import AuditAction, Role
from kechuang.core.ledger import EntryKind, LedgerAccount, LedgerEntry, to_money
from kechuang.demo import fake, register
from kechuang.registry.models import Enterprise
from kechuang.registry.validators import uscc_check_char
from kechuang.vouchers import schemes
from kechuang.vouchers.choices import ClaimState, PriceUnit, ProviderKind, ProviderStatus
from kechuang.vouchers.models import Claim, Provider, Service
from kechuang.vouchers.services import ACTIVE_PIPELINE, claim_number, subsidy_for

PROVIDERS = (
    ("天津滨海智诚知识产权代理有限公司", ProviderKind.INTERMEDIARY, ["高企认定服务", "成果评价", "挖掘技术需求", "开展技术对接"]),
    ("天津大学分析测试中心", ProviderKind.UNIVERSITY, ["检验检测", "试验验证"]),
    ("南开大学生物医药检测平台", ProviderKind.UNIVERSITY, ["检验检测", "临床试验"]),
    ("中新天津生态城智算中心", ProviderKind.TECH_ENTERPRISE, ["智算"]),
    ("天津市产品质量监督检测技术研究院滨海分院", ProviderKind.TESTING, ["检验检测", "试验验证"]),
    ("清华大学天津电子信息研究院中试基地", ProviderKind.INSTITUTE, ["中试", "试验验证", "成果评价"]),
    ("天津滨海科技成果转化服务中心", ProviderKind.INTERMEDIARY, ["技术转移人才培养", "挖掘技术需求", "开展技术对接", "成果评价"]),
    ("北航天津创新研究院检测中心", ProviderKind.SCIENCE_PARK, ["检验检测", "智算"]),
)
PROVIDER_SUFFIX = {ProviderKind.INTERMEDIARY: "服务有限公司", ProviderKind.UNIVERSITY: "中心", ProviderKind.TECH_ENTERPRISE: "科技有限公司",
                   ProviderKind.TESTING: "检测技术有限公司", ProviderKind.INSTITUTE: "研究院", ProviderKind.SCIENCE_PARK: "科技园服务中心"}
INSTRUMENTS = (
    ("场发射扫描电子显微镜", "SU8010", PriceUnit.HOUR, "0.06"),
    ("X射线衍射仪", "D8 ADVANCE", PriceUnit.SAMPLE, "0.03"),
    ("电感耦合等离子体质谱仪", "iCAP RQ", PriceUnit.SAMPLE, "0.05"),
    ("高效液相色谱仪", "1260 Infinity II", PriceUnit.SAMPLE, "0.02"),
    ("电磁兼容测试系统", "EMC32", PriceUnit.HOUR, "0.12"),
)
SERVICES_OF_CATEGORY = {
    "检验检测": ("材料成分与性能检测", "电子产品可靠性试验"),
    "临床试验": ("I期临床试验组织实施",),
    "智算": ("GPU 算力租用（千卡时）", "大模型训练算力服务"),
    "成果评价": ("科技成果评价", "技术成熟度评估"),
    "试验验证": ("样机环境适应性验证",),
    "中试": ("中试放大与工艺验证",),
    "高企认定服务": ("高新技术企业认定申报辅导",),
    "技术转移人才培养": ("技术经纪人培训",),
    "挖掘技术需求": ("企业技术需求诊断",),
    "开展技术对接": ("产学研技术对接会",),
}
# A claim's fate, with its weight among the claims filed on a scheme.
FATES = ((ClaimState.PAID, 40), (ClaimState.REDEEMED, 8), (ClaimState.APPROVED, 12), (ClaimState.SUBMITTED, 12),
         (ClaimState.REJECTED, 6), (ClaimState.EXPIRED, 4), (ClaimState.WITHDRAWN, 2))
DEMO_PROVIDER = 0  # the demo provider login's organisation is the first of PROVIDERS


def _uscc(serial: int) -> str:
    first17 = f"52120116MJ{serial:07d}"
    return first17 + uscc_check_char(first17)


class VoucherBuilder:
    def __init__(self, context):
        self.context, self.rng, self.as_of = context, context.rng, context.as_of
        self.now = timezone.now()
        self.entries: list[LedgerEntry] = []
        # account code → [reserved, paid]; the schemes' accounts exist, the enterprises' are made as needed
        self.committed = defaultdict(lambda: [Decimal("0"), Decimal("0")])

    def build(self) -> None:
        loaded = schemes.load_builtin()
        providers = self._providers()
        claims = self._claims(loaded, providers)
        self._post(claims)
        self.context.stdout.write(
            f"vouchers: {len(loaded)} schemes, {len(providers)} providers, {Service.objects.count()} services, "
            f"{len(claims)} claims, {len(self.entries)} ledger entries\n"
        )

    def _more_providers(self) -> list[tuple]:
        """PROVIDERS-shaped rows for the agencies a district beyond REFERENCE_SIZE has besides the listed
        ones: made-up names, each offering what one of the listed agencies (not the demo login's) offers."""
        made, names = [], {name for name, _kind, _categories in PROVIDERS}
        while len(made) < self.context.scaled(len(PROVIDERS)) - len(PROVIDERS):
            _name, kind, categories = PROVIDERS[1 + len(made) % (len(PROVIDERS) - 1)]
            name = f"天津{fake.brand(self.rng)}{categories[0]}{PROVIDER_SUFFIX[kind]}"
            if name not in names:
                names.add(name)
                made.append((name, kind, categories))
        return made

    def _providers(self) -> list[Provider]:
        listed = PROVIDERS + tuple(self._more_providers())
        count = min(len(listed), max(3, self.context.scaled(8)))
        made = [
            Provider(uscc=_uscc(index + 1), name=name, kind=kind, categories=categories, contact=fake.person(self.rng),
                     phone=fake.landline(self.rng),
                     status=ProviderStatus.VERIFIED if index < count - 1 else ProviderStatus.APPLIED)
            for index, (name, kind, categories) in enumerate(listed[:count])
        ]
        Provider.objects.bulk_create(made)
        made = list(Provider.objects.order_by("uscc"))
        record_bulk(Provider, [(AuditAction.CREATE, str(p.pk), str(p), None, snapshot(p)) for p in made])
        provider_user = self.context.users.get(Role.PROVIDER)
        if provider_user is not None:
            made[DEMO_PROVIDER].users.add(provider_user)
        services = []
        for provider in made:
            for category in provider.categories:
                for name in SERVICES_OF_CATEGORY[category]:
                    services.append(Service(provider=provider, category=category, name=name,
                                            price=to_money(self.rng.choice((0.5, 1, 2, 3, 5, 8, 12))),
                                            description=f"{provider.name}提供的{name}服务。", location="中新天津生态城"))
            if "检验检测" in provider.categories:
                for name, model, unit, price in self.rng.sample(INSTRUMENTS, 3):
                    services.append(Service(provider=provider, category="检验检测", name=name, price=Decimal(price), unit=unit,
                                            is_instrument=True, instrument_model=model, instrument_owner=provider.name,
                                            location=f"{provider.name}{self.rng.randint(1, 5)}号楼"))
        Service.objects.bulk_create(services)
        return [p for p in made if p.status == ProviderStatus.VERIFIED]

    def _claimants(self, scheme) -> list[int]:
        firms = Enterprise.objects.in_district()
        if scheme.eligible_pipeline:
            firms = firms.filter(enrollments__tier__in=scheme.eligible_pipeline, enrollments__stage__in=ACTIVE_PIPELINE)
        return list(firms.order_by("uscc").values_list("pk", flat=True).distinct())

    def _claims(self, loaded, providers) -> list[Claim]:
        demo_firm = self.context.users.get(Role.ENTERPRISE)
        demo_firm = demo_firm.enterprises.order_by("pk").first() if demo_firm is not None else None
        claims = []
        for scheme in sorted(loaded, key=lambda s: s.code):
            start, end = scheme.valid_from, min(scheme.valid_to, self.as_of)
            offering = [p for p in providers if set(p.categories) & set(scheme.categories)]
            claimants = self._claimants(scheme)
            if start > end or not offering or not claimants:
                continue
            for number in range(self.context.scaled(120 if scheme.kind != "hnte" else 40)):
                provider = self.rng.choice(offering)
                if number < 3 and scheme.kind != "subsidy" and end == self.as_of:
                    provider = next((p for p in offering if p.pk == providers[DEMO_PROVIDER].pk), provider)
                enterprise = demo_firm.pk if number == 0 and demo_firm and demo_firm.pk in claimants else self.rng.choice(claimants)
                category = self.rng.choice(sorted(set(provider.categories) & set(scheme.categories)))
                claims.append(self._claim(scheme, provider, enterprise, category, start, end,
                                          recent=number < 3 and end == self.as_of))
        serials = {}
        for claim in claims:
            serials[claim.scheme.code] = serials.get(claim.scheme.code, 0) + 1
            claim.number = claim_number(claim.scheme, serials[claim.scheme.code])
        return claims

    def _claim(self, scheme, provider, enterprise_id, category, start, end, recent) -> Claim:
        span = (end - start).days
        fee = to_money(self.rng.choice((2, 4, 6, 8, 10, 16, 20, 30)) * self.rng.uniform(0.8, 1.2))
        fate = ClaimState.APPROVED if recent else self.rng.choices([f for f, _w in FATES], [w for _f, w in FATES])[0]
        if end < self.as_of and fate in (ClaimState.SUBMITTED, ClaimState.APPROVED):
            fate = ClaimState.PAID  # a scheme that has closed left nothing waiting

        # Open states belong to the recent past, settled ones anywhere in the scheme's window.
        if fate in (ClaimState.SUBMITTED, ClaimState.APPROVED):
            filed = end - dt.timedelta(days=self.rng.randint(0, min(span, 40)))
        else:
            filed = start + dt.timedelta(days=self.rng.randint(0, max(span - 30, 0)))
        claim = Claim(scheme=scheme, enterprise_id=enterprise_id, provider=provider, category=category, fee=fee,
                      subsidy=subsidy_for(scheme, fee), filed_on=filed, state=ClaimState.SUBMITTED,
                      intention=f"意向书 {filed:%Y%m}-{self.rng.randint(100, 999)}" if scheme.requires_intention else "")
        if fate in (ClaimState.SUBMITTED, ClaimState.WITHDRAWN):
            claim.state = fate
            return claim
        decided = min(filed + dt.timedelta(days=self.rng.randint(2, 10)), self.as_of)
        claim.decided_at = self._moment(decided)
        if fate == ClaimState.REJECTED:
            claim.state, claim.reason = fate, self.rng.choice(("服务内容不在支持范围", "申领材料不全", "服务费明显高于市场价"))
            return claim
        claim.expires_on = decided + dt.timedelta(days=scheme.claim_valid_days)
        if fate == ClaimState.APPROVED and claim.expires_on < self.as_of:
            fate = ClaimState.EXPIRED
        claim.state = fate
        if fate in (ClaimState.REDEEMED, ClaimState.PAID):
            claim.invoice_no = f"{provider.uscc[-6:]}{filed:%y%m%d}{self.rng.randint(1000, 9999)}"
            claim.fee_paid = to_money(claim.fee * Decimal(str(self.rng.choice((1, 1, 1, 0.9, 0.8)))))
            claim.paid_subsidy = min(claim.subsidy, to_money(claim.fee_paid * scheme.subsidy_ratio))
            redeemed = min(decided + dt.timedelta(days=self.rng.randint(10, 60)), self.as_of)
            claim.redeemed_at = self._moment(redeemed)
            if fate == ClaimState.PAID:
                claim.paid_at = self._moment(min(redeemed + dt.timedelta(days=self.rng.randint(5, 30)), self.as_of))
        return claim

    def _moment(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))

    def _post(self, claims) -> None:
        """The ledger entries each claim's state implies, within every budget and cap (a claim that would
        pass one is rejected instead, as an officer would have refused it), then the claims in the states
        that leaves them in: each claim is written once, in its final state."""
        accounts = {a.code: a for a in LedgerAccount.objects.filter(code__startswith="vouchers.scheme:")}
        firms = dict(Enterprise.objects.filter(pk__in={c.enterprise_id for c in claims}).values_list("pk", "uscc"))
        cap_accounts = {}
        for _position, claim in sorted(enumerate(claims), key=lambda item: (item[1].filed_on, item[0])):
            if claim.state not in (ClaimState.APPROVED, ClaimState.REDEEMED, ClaimState.PAID, ClaimState.EXPIRED):
                continue
            scheme = claim.scheme
            cap_code = f"vouchers.scheme:{scheme.code}/enterprise:{firms[claim.enterprise_id]}"
            budget = self.committed[scheme.account.code]
            cap = self.committed.get(cap_code, [Decimal("0"), Decimal("0")])
            if sum(budget) + claim.subsidy > scheme.budget or sum(cap) + claim.subsidy > scheme.cap_per_enterprise:
                claim.state, claim.reason, claim.expires_on = ClaimState.REJECTED, "预算或企业额度不足", None
                claim.invoice_no, claim.fee_paid, claim.paid_subsidy, claim.redeemed_at, claim.paid_at = "", None, None, None, None
                continue
            cap = self.committed.setdefault(cap_code, cap)
            if cap_code not in cap_accounts:
                cap_accounts[cap_code] = LedgerAccount(code=cap_code, name=f"{scheme.name} · 企业额度", limit=scheme.cap_per_enterprise)
            for code, committed in ((scheme.account.code, budget), (cap_code, cap)):
                self._entries_for(claim, code, committed)
        # The enterprises' cap accounts are new: written with their sums; only the schemes' few are updated.
        for code, account in cap_accounts.items():
            account.reserved, account.paid = self.committed[code]
        LedgerAccount.objects.bulk_create(cap_accounts.values(), batch_size=2000)
        accounts.update(cap_accounts)
        for entry in self.entries:
            entry.account = accounts[entry.account_code]
        LedgerEntry.objects.bulk_create(self.entries, batch_size=5000)
        schemes_used = [accounts[code] for code in self.committed if code not in cap_accounts]
        for account in schemes_used:
            account.reserved, account.paid = self.committed[account.code]
        LedgerAccount.objects.bulk_update(schemes_used, ["reserved", "paid"])
        Claim.objects.bulk_create(claims, batch_size=2000)
        record_bulk(Claim, [(AuditAction.CREATE, str(c.pk), str(c.pk), None, snapshot(c)) for c in claims])
        record_bulk(LedgerEntry, [(AuditAction.CREATE, str(e.pk), str(e), None, snapshot(e)) for e in self.entries])

    def _entries_for(self, claim, code, committed) -> None:
        reference, at = claim.ledger_reference, claim.decided_at

        def add(kind, amount, moment):
            if amount > 0:
                entry = LedgerEntry(kind=kind, amount=amount, reference=reference, at=moment, note="演示数据")
                entry.account_code = code
                self.entries.append(entry)

        add(EntryKind.RESERVE, claim.subsidy, at)
        if claim.state == ClaimState.EXPIRED:
            add(EntryKind.RELEASE, claim.subsidy, self._moment(claim.expires_on))
            return
        if claim.state == ClaimState.APPROVED:
            committed[0] += claim.subsidy
            return
        add(EntryKind.RELEASE, claim.subsidy - claim.paid_subsidy, claim.redeemed_at)
        if claim.state == ClaimState.REDEEMED:
            committed[0] += claim.paid_subsidy
            return
        add(EntryKind.RELEASE, claim.paid_subsidy, claim.paid_at)
        add(EntryKind.PAY, claim.paid_subsidy, claim.paid_at)
        committed[1] += claim.paid_subsidy


@register("vouchers", after=("registry", "cultivation"))
def populate(context) -> None:
    VoucherBuilder(context).build()
