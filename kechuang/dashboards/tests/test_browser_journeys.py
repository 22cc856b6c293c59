"""Each role's main journey in a real browser: Playwright driving Debian's Chromium against a Kechuang
server on loopback, serving a small demo district of its own (a SQLite file in a temporary folder).

Log in with the printed demo login, open the home page, take the role's main action, see its result;
a screenshot of each journey's last page is kept in `var/browser/` (the CI artefact), and no page of a
journey may log a console error. A browser default of en-US checks that the interface stays Chinese.

Skipped, with the reason printed, when Playwright or Chromium is not installed (`scripts/test` installs
Chromium from Debian's packages when it can).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (Debian package chromium); browser journeys skipped", allow_module_level=True)

REPO = Path(__file__).resolve().parents[3]
ARTEFACTS = REPO / "var" / "browser"
PASSWORD = "Kechuang-Demo#2026"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own over a fresh demo district; the test database is not involved."""
    folder = tmp_path_factory.mktemp("browser")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    # The demo's logins use a password alone, as `scripts/serve` runs them (README, "Security").
    env.update(DATABASE_URL=f"sqlite:///{folder / 'browser.sqlite3'}", KECHUANG_DATA_DIR=str(folder), PYTHONUNBUFFERED="1",
               KECHUANG_REQUIRE_OTP="false")
    command = [sys.executable, "-m", "kechuang"]
    subprocess.run([*command, "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
    subprocess.run([*command, "demo", "--enterprises", "150", "--seed", "7"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    port = _free_port()
    process = subprocess.Popen([*command, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the Kechuang server did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Journey:
    def __init__(self, browser, server, role):
        self.server, self.role = server, role
        self.context = browser.new_context(locale="en-US", viewport={"width": 1360, "height": 900})
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str):
        self.page.goto(self.server + path)
        return self.page

    def log_in(self, username: str):
        page = self.open("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.wait_for_load_state("networkidle")
        assert "/login/" not in page.url, f"{username} could not log in"
        return page

    def finish(self):
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTEFACTS / f"{self.role}.png"), full_page=True)
        self.context.close()
        assert self.errors == [], f"console errors in the {self.role} journey: {self.errors}"


@pytest.fixture
def journey(browser, server, request):
    made = []

    def start(role):
        made.append(Journey(browser, server, role))
        return made[-1]

    yield start
    for item in made:
        item.finish()


def _text(page) -> str:
    return page.inner_text("body")


def test_officer_reviews_the_registry_and_alerts(journey):
    officer = journey("officer")
    page = officer.log_in("officer")
    assert "企业" in _text(page)
    page = officer.open("/registry/alerts/")
    assert "预警" in _text(page) or "到期" in _text(page)
    page = officer.open("/registry/enterprises/?q=科技")
    page.click("table.data tbody tr td a")
    page.wait_for_load_state("networkidle")
    assert "统一社会信用代码" in _text(page)


def test_leader_reads_the_cockpit_on_the_plans_last_day(journey):
    leader = journey("leader")
    page = leader.log_in("leader")
    page = leader.open("/plan/eco-city-2020-2022/")
    page.wait_for_selector(".main-svg", timeout=15000)
    assert "高新技术企业" in _text(page)
    # The plan ended in 2022: the cockpit opens on its last day and says so, with a way to today.
    assert page.input_value("input[name=as_of]") == "2022-12-31"
    assert "2022-12-31 结束" in _text(page) and page.locator("text=查看今天").count() == 1


def test_liaison_revises_the_returned_report_from_its_home_page(journey):
    liaison = journey("liaison")
    page = liaison.log_in("liaison")
    assert "待办事项" in _text(page)
    page.click("a.kpi:has-text('被退回待修改的报告')")
    page.wait_for_load_state("networkidle")
    returned = page.locator("table.data tbody tr")
    assert returned.count() == 1 and "已退回" in returned.inner_text()
    returned.locator("td a").first.click()
    page.wait_for_load_state("networkidle")
    period = page.inner_text("h1").split("·")[-1].strip()
    page.click("a.button.primary:has-text('重新报送')")
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=period]", value=period)
    page.fill("input[name=percent]", "85")
    page.fill("textarea[name=text]", "浏览器测试：已补充佐证材料，细化了下一阶段安排。")
    page.click("form[enctype] button.primary")
    page.wait_for_load_state("networkidle")
    assert "浏览器测试：已补充佐证材料" in _text(page) and "待审核" in _text(page)


def test_provider_redeems_an_approved_voucher_after_the_service(journey):
    provider = journey("provider")
    page = provider.log_in("provider")
    page.click("a.kpi:has-text('待您提供服务')")
    page.wait_for_load_state("networkidle")
    claims = [link.get_attribute("href") for link in page.locator("table.data tbody tr td:first-child a").all()]
    for href in claims:
        page = provider.open(href)
        if page.locator("input[name=invoice_no]").count():
            break
    else:
        pytest.fail("no approved claim the provider redeems itself")
    page.fill("input[name=invoice_no]", "12000000001")
    page.fill("input[name=fee_paid]", "1")
    page.click("form[action$='/redeem/'] button.primary")
    page.wait_for_load_state("networkidle")
    assert "已兑付" in _text(page) or "已核销" in _text(page)


def test_administrators_reach_their_tools_from_the_site(journey):
    for username in ("sysadmin", "secadmin"):
        admin = journey(username)
        page = admin.log_in(username)
        page.click("a.tile:has-text('管理后台')")
        page.wait_for_load_state("networkidle")
        assert "站点管理" in _text(page)
        assert "Type to search" not in page.content()


def test_enterprise_keeps_its_contacts(journey):
    enterprise = journey("enterprise")
    page = enterprise.log_in("enterprise")
    page = enterprise.open("/registry/enterprises/mine/")
    page.click("a[href$='/contacts/']")
    page.wait_for_load_state("networkidle")
    phone = page.locator("input[name=contact_phone]")
    phone.fill("022-66881234")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "022-66881234" in _text(page)


def test_institution_publishes_an_achievement(journey):
    institution = journey("institution")
    page = institution.log_in("institution")
    page = institution.open("/techmarket/achievements/new/")
    page.fill("input[name=title]", "浏览器测试：海水淡化膜抗污染涂层")
    page.select_option("select[name=owner]", index=1)
    page.fill("textarea[name=summary]", "一种用于反渗透膜的两性离子抗污染涂层，通量衰减降低一半。")
    page.fill("input[name=maturity]", "6")
    page.click("button[name=publish]")
    page.wait_for_load_state("networkidle")
    assert "海水淡化膜抗污染涂层" in _text(page)


def test_auditor_verifies_the_audit_trail(journey):
    auditor = journey("auditor")
    page = auditor.log_in("auditor")
    page = auditor.open("/audit/")
    assert "审计" in _text(page)


def test_every_role_lands_on_a_chinese_home_page(browser, server, journey):
    for username in ("liaison", "provider", "sysadmin", "secadmin"):
        person = journey(username)
        page = person.log_in(username)
        assert page.evaluate("document.documentElement.lang") == "zh-hans"
        assert "退出" in _text(page)


def test_expert_scores_an_assigned_application_without_seeing_who_applied(journey):
    expert = journey("expert")
    page = expert.log_in("expert")
    page.click("a.kpi:has-text('待评分')")
    page.wait_for_load_state("networkidle")
    page.locator("table tbody tr td a").first.click()
    page.wait_for_load_state("networkidle")
    for field in page.locator("input[name^=score_]").all():
        label = field.evaluate("input => input.parentElement.textContent")
        field.fill(label.split("(")[1].split("–")[1].split(",")[0].strip())  # the criterion's maximum
    page.fill("textarea[name=comment]", "浏览器测试：技术路线清晰，可行。")
    page.click("button.primary:has-text('保存评分')")
    page.wait_for_load_state("networkidle")
    assert "已评分" in _text(page) or "浏览器测试：技术路线清晰" in _text(page)


def test_carrier_operator_submits_its_yearly_return(journey):
    carrier = journey("carrier")
    page = carrier.log_in("carrier")
    page.click("a.kpi:has-text('年度统计')")
    page.wait_for_load_state("networkidle")
    page.locator("table.data tbody tr td a").first.click()
    page.wait_for_load_state("networkidle")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存" in _text(page) and "待审核" in _text(page)
