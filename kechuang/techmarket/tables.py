"""The columns of the technology-market lists; each page and its .xlsx export show the same ones."""
from django.utils.translation import gettext_lazy as _

from kechuang.core.tables import CODE, Column

ACHIEVEMENT_COLUMNS = [
    Column(_("Title"), "title"),
    Column(_("Owner"), "owner.name"),
    Column(_("High-tech domain"), "high_tech_domain.name"),
    Column(_("TRL"), "maturity", numeric=True),
    Column(_("Transfer modes"), "transfer_modes_text"),
    Column(_("Asking price (10k yuan)"), "asking_price", numeric=True),
    Column(_("Keywords"), "keywords"),
    Column(_("Status"), "status"),
    Column(_("Published on"), "published_on"),
]

DEMAND_COLUMNS = [
    Column(_("Title"), "title"),
    Column(_("Enterprise"), "enterprise.name"),
    Column(_("High-tech domain"), "high_tech_domain.name"),
    Column(_("Budget (10k yuan)"), "budget", numeric=True),
    Column(_("Time frame (months)"), "months", numeric=True),
    Column(_("Solution mode"), "solution_mode"),
    Column(_("Keywords"), "keywords"),
    Column(_("Status"), "status"),
    Column(_("Posted on"), "posted_on"),
]

MATCH_COLUMNS = [
    Column(_("Demand"), "demand.title"),
    Column(_("Achievement"), "achievement.title"),
    Column(_("Institution"), "achievement.owner.name"),
    Column(_("Score"), lambda m: round(m.score, 2), numeric=True),
    Column(_("Reasons"), lambda m: "；".join(m.reasons)),
    Column(_("Stage"), "stage"),
    Column(_("Contract"), "contract.registration_number"),
    Column(_("Recommended at"), lambda m: m.created_at.date()),
]

CHALLENGE_COLUMNS = [
    Column(_("Title"), "title"),
    Column(_("Enterprise"), "demand.enterprise.name"),
    Column(_("Support (10k yuan)"), "support_amount", numeric=True),
    Column(_("Paid (10k yuan)"), "paid_amount", numeric=True),
    Column(_("Deadline"), "deadline"),
    Column(_("Status"), "status"),
]

CONTRACT_COLUMNS = [
    Column(_("Registration number"), lambda c: c.registration_number or "—", kind=CODE),
    Column(_("Contract name"), "name"),
    Column(_("Contract type"), "type_label"),
    Column(_("Seller"), "seller.name"),
    Column(_("Buyer"), "buyer_name"),
    Column(_("Buyer region"), lambda c: "境外" if c.buyer_abroad else str(c.buyer_region)),
    Column(_("Contract amount (10k yuan)"), "amount", numeric=True),
    Column(_("Technology transaction amount (10k yuan)"), "tech_amount", numeric=True),
    Column(_("Signed on"), "signed_on"),
    Column(_("Registered on"), "registered_on"),
    Column(_("Status"), "status"),
]
