import io

import pytest
from openpyxl import Workbook

from kechuang.talent.identity import check_char

HEADERS = ["姓名", "性别", "出生年份", "身份证号", "手机号", "电子邮箱", "学历", "职称", "技术领域", "工作单位统一社会信用代码",
           "职务", "人才计划", "人才层次", "认定年份", "引进方式", "到岗日期"]


def id_number(area: str = "120116", birth: str = "19880512", serial: str = "123") -> str:
    first17 = f"{area}{birth}{serial}"
    return first17 + check_char(first17)


@pytest.fixture(autouse=True)
def talent_key(settings, tmp_path):
    # Each test encrypts under its own key, as an installation does under the key outside its database.
    settings.KECHUANG_TALENT_KEY = "test-key-" + tmp_path.name


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def talent_row(employer_uscc, number=None, phone="13812345678", **overrides):
    row = {
        "姓名": "张海峰", "性别": "男", "出生年份": 1988, "身份证号": number or id_number(), "手机号": phone,
        "电子邮箱": "zhang@example.com", "学历": "博士研究生", "职称": "副高级", "技术领域": "电子信息",
        "工作单位统一社会信用代码": employer_uscc, "职务": "首席科学家", "人才计划": "人才绿卡", "人才层次": "A卡",
        "认定年份": 2021, "引进方式": "全职", "到岗日期": "2021-03-01",
    }
    row.update(overrides)
    return [row[header] for header in HEADERS]


@pytest.fixture
def import_talents(db):
    from kechuang.core.imports import read_table
    from kechuang.talent.importers import TalentImporter

    def run(rows, dry_run=False):
        return TalentImporter().run(read_table(workbook(rows), "talents.xlsx"), dry_run=dry_run)

    return run


@pytest.fixture
def make_talent(db, make_enterprise):
    """A person saved through the service, as the form saves one."""
    from kechuang.core.choices import Role
    from kechuang.core.models import User
    from kechuang.talent import services
    from kechuang.talent.models import Talent

    def make(employer=None, number=None, phone="13912345678", officer=None, **fields):
        officer = officer or User.objects.filter(role=Role.OFFICER).first() or User.objects.create_user(
            "talent-officer", password="Kc-test-pass-2022", role=Role.OFFICER)
        fields.setdefault("name", "李青")
        fields.setdefault("gender", "female")
        fields.setdefault("birth_year", 1988)
        fields.setdefault("education", "master")
        fields.setdefault("field_id", "10")
        talent = Talent(employer=employer or make_enterprise(), **fields)
        return services.save_talent(talent, officer, id_number=number or id_number(), phone=phone)

    return make
