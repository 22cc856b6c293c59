"""403, 404, 500 and CSRF failures are pages of the site, in Chinese, with a way back; the interface is
Chinese for every browser until the user picks another language."""
import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from kechuang.core.choices import Role


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "de-DE", "zh-CN,zh;q=0.9", ""])
def test_every_browser_gets_chinese_until_the_user_chooses(client, db, accept):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page


def test_the_language_menu_choice_is_kept(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page


def test_404_is_a_chinese_page_with_the_menu(client, make_user):
    client.force_login(make_user(Role.OFFICER))
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-US")
    body = response.content.decode()
    assert response.status_code == 404
    assert "您访问的页面不存在" in body and "返回首页" in body and 'class="mainnav"' in body


def test_403_is_a_chinese_page_with_a_way_back(client, make_user):
    client.force_login(make_user(Role.LIAISON))
    response = client.get("/vouchers/statistics/", HTTP_ACCEPT_LANGUAGE="en-US")
    body = response.content.decode()
    assert response.status_code == 403 and "您无权访问此页面" in body and "返回首页" in body


def test_csrf_failure_is_the_sites_page(db):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403 and "表单未能提交" in body and "返回首页" in body


def test_500_renders_without_a_request_context(db):
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "系统出现了错误" in body and "返回首页" in body
