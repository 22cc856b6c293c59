"""Importing the expert pool (评审专家库), all or nothing.

Headers: 姓名, 技术领域 (one of the eight 高新技术领域 by name or code), 工作单位, 工作单位统一社会信用代码, 级别
(国家级专家、市级专家、区级专家), 回避单位 (names or codes, separated by ；). A name and employer already stored
updates that expert."""
import re

from kechuang.core.imports import CellError, Field, ModelImporter, choices_labels, text
from kechuang.projects.choices import ExpertLevel
from kechuang.projects.models import Expert


def parse_field(value):
    from kechuang.core.models import HighTechDomain

    value = str(value).strip()
    if not value.isprintable():  # a control character (NUL above all) cannot be a field's name, nor be looked up
        raise CellError(f"技术领域「{value.encode('unicode_escape').decode()}」含有不可见的控制字符")
    domain = HighTechDomain.objects.filter(level="domain").filter(code=value).first() or HighTechDomain.objects.filter(
        level="domain", name=value).first()
    if domain is None:
        names = "、".join(HighTechDomain.objects.filter(level="domain").order_by("code").values_list("name", flat=True))
        raise CellError(f"技术领域「{value}」不在可选范围内：{names}")
    return domain.code


def parse_conflicts(value) -> list[str]:
    return list(dict.fromkeys(w.strip() for w in re.split(r"[；;、，,]+", str(value or "")) if w.strip()))


class ExpertImporter(ModelImporter):
    title = "评审专家"
    model = Expert
    key = ("name", "employer")
    fields = [
        Field("姓名", "name", text(max_length=50), required=True),
        Field("技术领域", "field_id", parse_field, required=True, synonyms=("领域",)),
        Field("工作单位", "employer", text(max_length=200), required=True, synonyms=("单位",)),
        Field("工作单位统一社会信用代码", "employer_uscc", text(max_length=18, upper=True), synonyms=("单位代码",)),
        Field("级别", "level", choices_labels(ExpertLevel), required=True, synonyms=("专家级别",)),
        Field("回避单位", "declared_conflicts", parse_conflicts, help="多个单位用；分隔"),
    ]

    def instance_values(self, row):
        values = super().instance_values(row)
        if "declared_conflicts" in values and values["declared_conflicts"] is None:  # an empty cell: no conflicts declared
            values["declared_conflicts"] = []
        return values


IMPORTERS = {"experts": ExpertImporter}
