"""Numbers typed into an address bar or a form are range-checked: none gives a server error."""
import importlib

import django_filters
import pytest
from django import forms
from django.apps import apps

from kechuang.core.bounds import BoundedIntegerField, int_param, year_param
from kechuang.core.choices import Role
from kechuang.dashboards.tests.urlwalk import argument_free_urls

HOSTILE = ["99999999999", "-99999999999", "1E+30", "9" * 25, "0x10", "NaN", "1.5"]
NUMERIC_PARAMETERS = ["year", "year_from", "year_to", "gap_count", "min_maturity", "top", "page", "tier", "stage"]


def project_filtersets():
    for config in apps.get_app_configs():
        if config.name.startswith("kechuang."):
            try:
                importlib.import_module(f"{config.name}.filtersets")
            except ModuleNotFoundError:
                continue
    importlib.import_module("kechuang.core.audit_views")
    pending, found = [django_filters.FilterSet], set()
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("kechuang."):
                found.add(subclass)
    return sorted(found, key=lambda cls: cls.__qualname__)


def test_every_numeric_filter_of_every_filterset_has_a_range():
    filtersets = project_filtersets()
    assert len(filtersets) > 10
    unbounded = [
        f"{filterset.__module__}.{filterset.__name__}.{name}"
        for filterset in filtersets
        for name, declared in filterset.base_filters.items()
        if issubclass(declared.field_class, (forms.IntegerField, forms.DecimalField, forms.FloatField))
        and not issubclass(declared.field_class, BoundedIntegerField)
    ]
    assert unbounded == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_number_makes_every_numeric_filter_invalid_not_broken(value):
    for filterset_class in project_filtersets():
        numeric = [
            name for name, declared in filterset_class.base_filters.items()
            if issubclass(declared.field_class, BoundedIntegerField)
        ]
        for name in numeric:
            filterset = filterset_class({name: value}, queryset=filterset_class._meta.model.objects.all())
            assert not filterset.is_valid(), (filterset_class.__name__, name, value)


def test_parameters_outside_their_range_fall_back():
    assert year_param("2022") == 2022
    assert year_param("99999999999") is None
    assert year_param("abc", default=2020) == 2020
    assert int_param("9" * 40, 1, 50, default=10) == 10
    assert int_param(" 7 ", 1, 50) == 7


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICER, Role.ENTERPRISE])
def test_no_page_or_api_list_fails_on_hostile_numbers(client, make_user, make_enterprise, role):
    user = make_user(role)
    if role == Role.ENTERPRISE:
        make_enterprise().members.add(user)
    client.force_login(user)
    failures = []
    for url in argument_free_urls():
        for value in ("99999999999", "1E+30", "9" * 25):
            query = "&".join(f"{name}={value}" for name in NUMERIC_PARAMETERS)
            status = client.get(f"{url}?{query}").status_code
            if status >= 500:
                failures.append(f"{url}?{query} → {status}")
    assert failures == []


@pytest.mark.django_db
def test_contract_and_match_lists_answer_an_absurd_year_with_an_unfiltered_page(client, make_user):
    client.force_login(make_user(Role.OFFICER))
    for url in ("/techmarket/contracts/", "/techmarket/matches/", "/techmarket/contracts/statistics/"):
        response = client.get(url, {"year": "99999999999"})
        assert response.status_code == 200, url
    api = client.get("/api/techmarket/contracts/", {"year": "99999999999"})
    assert api.status_code == 400
    assert "year" in api.json()
