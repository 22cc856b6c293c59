"""The figures on the home page. Each is the size of the list its link opens, computed by the query
that list uses, so a figure can always be traced to its records."""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.core.permissions import sees_everything
from kechuang.core.storedfigures import stored_figure
from kechuang.registry.choices import CertificateKind
from kechuang.registry.models import Certificate, Enterprise, YearlyData
from kechuang.registry.services import alert_counts
from kechuang.techmarket.models import TechContract


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | Decimal
    url: str


def _enterprise_list(**filters) -> str:
    return f"{reverse('registry:enterprises')}?{urlencode(filters)}"


@stored_figure("dashboards.district", reads=(Enterprise, Certificate, YearlyData, TechContract))
def district_figures(today: dt.date) -> dict:
    """The district-wide counts behind the home page's figures, stored until their records change."""
    district = Enterprise.objects.in_district()
    holders = {
        kind: district.filter(pk__in=Certificate.objects.valid_on(today).filter(kind=kind).values("enterprise_id")).count()
        for kind in (CertificateKind.HNTE, CertificateKind.CHUYING)
    }
    turnover = TechContract.objects.registered_between(dt.date(today.year, 1, 1), today).sold_from_district().turnover()
    return {"enterprises": district.count(), **holders, "alerts": sum(alert_counts(today).values()), "turnover": str(turnover)}


def home_figures(user, today: dt.date) -> list[Figure]:
    if not sees_everything(user):
        return []
    found = district_figures(today)
    return [
        Figure(_("Enterprises in the district"), found["enterprises"], _enterprise_list(in_district="true")),
        Figure(
            _("High-tech enterprises (valid certificate)"),
            found[CertificateKind.HNTE],
            _enterprise_list(in_district="true", certificate=CertificateKind.HNTE, as_of=today.isoformat()),
        ),
        Figure(
            _("Chuying enterprises (valid certificate)"),
            found[CertificateKind.CHUYING],
            _enterprise_list(in_district="true", certificate=CertificateKind.CHUYING, as_of=today.isoformat()),
        ),
        Figure(_("Monitoring alerts"), found["alerts"], f"{reverse('registry:alerts')}?as_of={today.isoformat()}"),
        Figure(
            _("Technology contract turnover this year (10k yuan)"),
            Decimal(found["turnover"]),
            reverse("techmarket:contract-statistics"),
        ),
    ]
