"""The demo district's people: the departments of the Eco-City 管委会 and one login per role (the demo
part every other part comes after; see `kechuang.demo` for how parts are built). The departments below
are the real line-up of the Eco-City's administration; plan tasks are assigned to them by `code`.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from kechuang.core.choices import Role
from kechuang.core.models import Department, User
from kechuang.demo import register

# One shared password for every demo login: long enough for the settings' validators, printed with the
# logins so that whoever starts the demo can sign in as each role.
DEMO_PASSWORD = "Kechuang-Demo#2026"

DEPARTMENTS = (
    ("keji", "科技和工业信息化局"),
    ("fagai", "发展改革局"),
    ("caizheng", "财政局"),
    ("guihua", "规划和自然资源局"),
    ("shichang", "市场监管局"),
    ("renshe", "人力资源和社会保障局"),
    ("touzi", "投资促进局"),
    ("jiaoti", "教育体育局"),
    ("weijian", "卫生健康委"),
    ("shengtai", "生态环境局"),
    ("jianshe", "建设局"),
    ("chengguan", "城市管理局"),
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    full_name: str
    department: str = ""
    organisation: str = ""


DEMO_LOGINS = (
    DemoLogin(Role.OFFICER, "officer", "王立新", "keji", "科技和工业信息化局"),
    DemoLogin(Role.LEADER, "leader", "陈建国", "keji", "中新天津生态城管委会"),
    DemoLogin(Role.LIAISON, "liaison", "刘晓燕", "fagai", "发展改革局"),
    # The enterprise login's organisation is the firm the registry demo links it to.
    DemoLogin(Role.ENTERPRISE, "enterprise", "张伟"),
    DemoLogin(Role.INSTITUTION, "institution", "李静", "", "清华大学天津电子信息研究院"),
    DemoLogin(Role.PROVIDER, "provider", "赵敏", "", "天津滨海智诚知识产权代理有限公司"),
    DemoLogin(Role.EXPERT, "expert", "郑国强", "", "天津大学"),
    # The carrier login's organisation is the operator firm the carriers demo links it to.
    DemoLogin(Role.CARRIER, "carrier", "何晓明"),
    DemoLogin(Role.SYSADMIN, "sysadmin", "孙浩", "keji", "科技和工业信息化局"),
    DemoLogin(Role.SECADMIN, "secadmin", "周婷", "keji", "科技和工业信息化局"),
    DemoLogin(Role.AUDITOR, "auditor", "吴磊", "caizheng", "财政局"),
)


def demo_users_exist() -> bool:
    return User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).exists()


def demo_logins() -> list[DemoLogin]:
    """The demo logins still present in the database, in role order."""
    present = set(User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).values_list("username", flat=True))
    return [login for login in DEMO_LOGINS if login.username in present]


@register("core")
def populate(context) -> None:
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    # One hash for all logins: each PBKDF2 round costs a fraction of a second, and the salt comes from
    # the seeded generator so that the demo stays reproducible.
    salt = "".join(context.rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(22))
    password = make_password(DEMO_PASSWORD, salt=salt)
    # Nobody is a superuser: one would hold the three separated admin powers (三员分立) at once. Back-office
    # access (is_staff) follows the role, see kechuang.core.backoffice.
    for login in DEMO_LOGINS:
        user = User(
            username=login.username,
            password=password,
            first_name=login.full_name,  # a Chinese name reads whole, surname first
            role=login.role,
            department=departments.get(login.department),
            organisation=login.organisation,
        )
        user.save()
        context.users[login.role] = user
    context.stdout.write(f"core: {len(departments)} departments, {len(DEMO_LOGINS)} demo logins\n")
