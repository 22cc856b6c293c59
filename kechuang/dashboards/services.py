"""The figures on the home page. Each is the size of the list its link opens, computed by the query
that list uses, so a figure can always be traced to its records."""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import sees_everything
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate, Enterprise
from kechuang.registry.services import alert_counts
from kechuang.techmarket.models import TechContract


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | Decimal
    url: str


def _enterprise_list(**filters) -> str:
    return f"{reverse('registry:enterprises')}?{urlencode(filters)}"


def home_figures(user, today: dt.date) -> list[Figure]:
    if not sees_everything(user):
        return []
    district = Enterprise.objects.in_district()
    holders = {
        kind: district.filter(pk__in=Certificate.objects.valid_on(today).filter(kind=kind).values("enterprise_id"))
        for kind in (CertificateKind.HNTE, CertificateKind.CHUYING)
    }
    turnover = TechContract.objects.registered_between(dt.date(today.year, 1, 1), today).sold_from_district().turnover()
    return [
        Figure(_("Enterprises in the district"), district.count(), _enterprise_list(in_district="true")),
        Figure(
            _("High-tech enterprises (valid certificate)"),
            holders[CertificateKind.HNTE].count(),
            _enterprise_list(in_district="true", certificate=CertificateKind.HNTE, as_of=today.isoformat()),
        ),
        Figure(
            _("Chuying enterprises (valid certificate)"),
            holders[CertificateKind.CHUYING].count(),
            _enterprise_list(in_district="true", certificate=CertificateKind.CHUYING, as_of=today.isoformat()),
        ),
        Figure(_("Monitoring alerts"), sum(alert_counts(today).values()), f"{reverse('registry:alerts')}?as_of={today.isoformat()}"),
        Figure(
            _("Technology contract turnover this year (10k yuan)"),
            turnover,
            reverse("techmarket:contract-statistics"),
        ),
    ]
