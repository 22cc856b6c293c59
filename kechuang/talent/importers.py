"""Import kind `talents` (科技人才): one row a person, keyed by the identity number (through its blind
index, so the file's numbers are never looked up or stored in the clear).

What the upload preview and the error workbook show of the file is masked as the pages are: once the
cells are parsed, the file's identity numbers and phones are replaced by their masked forms, so a row
with an error is corrected in the original file, not in the error workbook's masked cells."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kechuang.core import clock
from kechuang.core.imports import CellError, Field, ModelImporter, choices_labels, date, integer, label_key, text
from kechuang.core.models import HighTechDomain
from kechuang.registry.importers import enterprise_ids, parse_uscc
from kechuang.talent import crypto
from kechuang.talent.choices import Education, Gender, Mode, Title
from kechuang.talent.identity import IdentityError, mask_id, mask_phone, normalise_id, normalise_phone, validate_id, validate_mobile
from kechuang.talent.models import ProgrammeLevel, Talent
from kechuang.talent.services import age_problems, sealed_id, sealed_phone

EMPLOYER = "工作单位统一社会信用代码"
EDUCATION_SYNONYMS = {"博士": Education.DOCTORATE, "硕士": Education.MASTER, "本科": Education.BACHELOR, "专科": Education.COLLEGE}
TITLE_SYNONYMS = {"正高": Title.SENIOR, "副高": Title.ASSOCIATE, "中级职称": Title.INTERMEDIATE, "初级职称": Title.JUNIOR}
MASKED_COLUMNS = {"id_number": mask_id, "phone": mask_phone}


# How a cell reads as text (an integer-valued float without ".0", NaN and inf as written).
as_text = text()


def _parse_id(value) -> str:
    try:
        return validate_id(as_text(value))
    except IdentityError as error:
        raise CellError(str(error)) from None


def _parse_mobile(value) -> str:
    try:
        return validate_mobile(as_text(value))
    except IdentityError as error:
        raise CellError(str(error)) from None


def _parse_email(value) -> str:
    address = str(value).strip()
    try:
        validate_email(address)
    except ValidationError:
        raise CellError(f"「{address}」不是有效的电子邮箱地址") from None
    return address


class TalentImporter(ModelImporter):
    title = "科技人才"
    model = Talent
    model_key = ("id_index",)
    fields = [
        Field("姓名", "name", text(max_length=50), required=True),
        Field("性别", "gender", choices_labels(Gender), required=True),
        Field("出生年份", "birth_year", integer(minimum=1900, maximum=2100), required=True),
        Field("身份证号", "id_number", _parse_id, required=True, synonyms=("公民身份号码",), help="18 位，末位校验码按 GB 11643 核对"),
        Field("手机号", "phone", _parse_mobile, synonyms=("手机号码",)),
        Field("电子邮箱", "email", _parse_email, synonyms=("邮箱",)),
        Field("学历", "education", choices_labels(Education, EDUCATION_SYNONYMS), required=True),
        Field("职称", "title", choices_labels(Title, TITLE_SYNONYMS)),
        Field("技术领域", "field_id", "parse_field", required=True, help="国家重点支持的高新技术领域名称或代码，如 电子信息、10、0101"),
        Field(EMPLOYER, "employer_uscc", parse_uscc, required=True),
        Field("职务", "position", text(max_length=100)),
        Field("人才计划", "programme", "parse_programme"),
        Field("人才层次", "level_name", text(max_length=100)),
        Field("认定年份", "recognition_year", integer(minimum=1949, maximum=2100)),
        Field("引进方式", "mode", choices_labels(Mode, {"柔性引进": Mode.FLEXIBLE, "全职引进": Mode.FULL_TIME}), required=True),
        Field("到岗日期", "arrival_date", date()),
    ]

    def prepare(self):
        self.today = clock.today()
        self.domains = {}
        for code, name in HighTechDomain.objects.values_list("code", "name"):
            for spelling in (code, name, f"{name}领域"):
                self.domains.setdefault(label_key(spelling), code)
        self.levels, self.level_names, self.programmes = {}, {}, {}
        for level in ProgrammeLevel.objects.select_related("programme"):
            programme = level.programme
            for spelling in (level.name, level.code):
                self.levels[(programme.pk, label_key(spelling))] = level.pk
            self.level_names.setdefault(programme.pk, []).append(level.name)
            for spelling in (programme.name, programme.code):
                self.programmes[label_key(spelling)] = (programme.pk, programme.name)

    def parse_field(self, value) -> str:
        found = self.domains.get(label_key(str(value)))
        if found is None:
            raise CellError(f"「{value}」不是高新技术领域的名称或代码")
        return found

    def parse_programme(self, value):
        found = self.programmes.get(label_key(str(value)))
        if found is None:
            known = "、".join(dict.fromkeys(name for _pk, name in self.programmes.values()))
            raise CellError(f"「{value}」不是已登记的人才计划，应为：{known}")
        return found

    def clean_row(self, row):
        values = row.values
        for column, reason in age_problems(values["id_number"], values["birth_year"], self.today):
            row.error(column, reason)
        programme, level_name = values.get("programme"), values.get("level_name")
        if programme is None and level_name:
            row.error("人才计划", "填写了人才层次，但未填写人才计划")
        if programme is not None:
            level = self.levels.get((programme[0], label_key(level_name or "")))
            if level is None:
                names = "、".join(self.level_names[programme[0]])
                row.error("人才层次", f"「{level_name or ''}」不是{programme[1]}的层次，应为：{names}")
            values["level_id"] = level
            if values.get("recognition_year") is None:
                row.error("认定年份", "填写了人才计划，认定年份不能为空")
        if values.get("recognition_year") and values["recognition_year"] > self.today.year:
            row.error("认定年份", f"认定年份 {values['recognition_year']} 晚于今年")

    def check_rows(self, rows):
        known = enterprise_ids(row.values["employer_uscc"] for row in rows)
        seen = {}
        for row in rows:
            code = row.values["employer_uscc"]
            if code not in known:
                row.error(EMPLOYER, f"企业库中没有统一社会信用代码为 {code} 的单位，请先导入该单位")
            else:
                row.values["employer_id"] = known[code]
            index = crypto.blind_index("id", row.values["id_number"])
            row.values["id_index"] = index
            if index in seen:
                row.error("身份证号", f"与第 {seen[index]} 行是同一身份证号（{mask_id(row.values['id_number'])}），同一文件中不能出现两次")
            seen.setdefault(index, row.number)

    def check(self, table):
        result = super().check(table)
        self._mask_file(table)
        return result

    def _mask_file(self, table):
        columns = {
            index: MASKED_COLUMNS[spec.attr]
            for index, header in enumerate(table.headers)
            for spec in self.fields if spec.attr in MASKED_COLUMNS and spec.accepts(header)
        }
        for _number, raw in table.rows:
            for index, mask in columns.items():
                if raw[index] not in (None, ""):
                    plain = as_text(raw[index])
                    raw[index] = mask(normalise_id(plain) if mask is mask_id else normalise_phone(plain))

    def instance_values(self, row):
        values = row.values
        stored = {
            "name": values["name"], "gender": values["gender"], "birth_year": values["birth_year"],
            "education": values["education"], "field_id": values["field_id"], "employer_id": values["employer_id"],
            "mode": values["mode"], "id_index": values["id_index"], "id_masked": mask_id(values["id_number"]),
        }
        optional = {
            "email": values.get("email") or "", "title": values.get("title") or Title.NONE,
            "position": values.get("position") or "", "recognition_year": values.get("recognition_year"),
            "arrival_date": values.get("arrival_date"),
        }
        # A column the file leaves out leaves the stored value alone.
        stored.update({name: value for name, value in optional.items() if name in values})
        if "programme" in values:
            stored["level_id"] = values.get("level_id")
        if "phone" in values:
            sealed = sealed_phone(values["phone"])
            stored.update(phone_index=sealed["phone_index"], phone_masked=sealed["phone_masked"])
        return stored

    def after_write(self, pairs, created):
        """Ciphertexts are written after the rows: a fresh IV each time would make every row look
        changed if they were compared like the other columns."""
        sealed = []
        for row, obj in pairs:
            changed = False
            if obj.pk in created or not obj.id_cipher:
                obj.id_cipher = sealed_id(row.values["id_number"])["id_cipher"]
                changed = True
            if "phone" in row.values:
                phone = row.values["phone"] or ""
                if (crypto.decrypt(obj.phone_cipher) if obj.phone_cipher else "") != phone:
                    obj.phone_cipher = sealed_phone(phone)["phone_cipher"]
                    changed = True
            if changed:
                sealed.append(obj)
        Talent._base_manager.bulk_update(sealed, ["id_cipher", "phone_cipher"], batch_size=self.batch_size)
        return set()


IMPORTERS = {"talents": TalentImporter}
