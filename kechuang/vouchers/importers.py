"""Importing service providers (服务机构入库), all or nothing.

Headers: 统一社会信用代码, 机构名称, 机构类型, 服务类别 (several, separated by ；), 联系人, 联系电话. 机构类型 is one of
高校、大学科技园、科研院所、检验检测机构、科技型企业、中介服务机构; 服务类别 are the voucher categories. A code already
stored updates that provider and keeps its status; a new provider enters as applied (申请入库), and an
officer verifies it on its page, as with a provider that applies by itself.
"""
import re

from kechuang.core.imports import CellError, Field, ModelImporter, choices_labels, text
from kechuang.registry.importers import parse_uscc
from kechuang.vouchers.choices import ALL_CATEGORIES, ProviderKind
from kechuang.vouchers.models import Provider


def parse_categories(value) -> list[str]:
    words = [w.strip() for w in re.split(r"[；;、，,]+", str(value)) if w.strip()]
    unknown = [w for w in words if w not in ALL_CATEGORIES]
    if unknown or not words:
        raise CellError(f"服务类别「{'、'.join(unknown) or value}」不在可选范围内：{'、'.join(ALL_CATEGORIES)}")
    return list(dict.fromkeys(words))


parse_categories.labels = ALL_CATEGORIES


class ProviderImporter(ModelImporter):
    title = "服务机构"
    model = Provider
    key = ("uscc",)
    fields = [
        Field("统一社会信用代码", "uscc", parse_uscc, required=True, synonyms=("信用代码",)),
        Field("机构名称", "name", text(max_length=200), required=True, synonyms=("名称", "服务机构名称")),
        Field("机构类型", "kind", choices_labels(ProviderKind), required=True, synonyms=("类型",)),
        Field("服务类别", "categories", parse_categories, required=True, help="多个类别用；分隔"),
        Field("联系人", "contact", text(max_length=50)),
        Field("联系电话", "phone", text(max_length=30), synonyms=("电话",)),
    ]

IMPORTERS = {"providers": ProviderImporter}
