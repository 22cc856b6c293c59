import pytest
from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.registry.models import Enterprise


@pytest.mark.django_db
def test_officer_keeps_registry_data_in_the_admin(client, officer, make_enterprise):
    firm = make_enterprise(name="云帆软件")
    client.force_login(officer)
    assert "云帆软件" in client.get(reverse("admin:registry_enterprise_changelist")).content.decode()
    assert client.get(reverse("admin:registry_enterprise_change", args=[firm.pk])).status_code == 200
    assert client.get(reverse("admin:registry_yearlydata_add")).status_code == 200
    assert client.get(reverse("admin:core_industry_add")).status_code == 403  # reference tables are read-only


@pytest.mark.django_db
def test_leader_only_looks(client, make_user, make_enterprise):
    firm = make_enterprise(name="云帆软件")
    client.force_login(make_user(Role.LEADER))
    assert client.get(reverse("admin:registry_enterprise_changelist")).status_code == 200
    assert client.get(reverse("admin:registry_enterprise_add")).status_code == 403
    client.post(reverse("admin:registry_enterprise_delete", args=[firm.pk]), {"post": "yes"})
    assert Enterprise.objects.filter(pk=firm.pk).exists()
