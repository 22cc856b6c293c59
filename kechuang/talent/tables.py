from django.utils.translation import gettext_lazy as _

from kechuang.core.tables import Column


def _level(talent):
    return str(talent.level) if talent.level_id else ""


# Only masked forms are columns: a list page and its export cannot show what they do not hold.
TALENT_COLUMNS = [
    Column(_("Full name"), "name"),
    Column(_("Gender"), "gender"),
    Column(_("Birth year"), "birth_year"),
    Column(_("ID number"), "id_masked"),
    Column(_("Mobile phone"), "phone_masked"),
    Column(_("Education"), "education"),
    Column(_("Professional title"), "title"),
    Column(_("Technical field"), "field.name"),
    Column(_("Employer"), "employer.name"),
    Column(_("Position"), "position"),
    Column(_("Programme and level"), _level),
    Column(_("Recognition year"), "recognition_year"),
    Column(_("How introduced"), "mode"),
    Column(_("Arrival date"), "arrival_date"),
]
DEMAND_COLUMNS = [
    Column(_("Directory"), "edition.year"),
    Column(_("Enterprise"), "enterprise.name"),
    Column(_("Technical field"), "field.name"),
    Column(_("Position"), "position"),
    Column(_("Profile wanted"), "profile"),
    Column(_("Education at least"), "education"),
    Column(_("Number wanted"), "wanted", numeric=True),
    Column(_("Submitted on"), "submitted_on"),
]
GAP_HEADERS = ["行业", "技术领域", "岗位", "人才画像", "人才计划", "学历要求", "紧缺程度", "需求人数", "在册人数", "缺口"]


def gap_cells(gap) -> list:
    row = gap.row
    return [
        row.industry.name if row.industry_id else "", row.field.name, row.position, row.profile,
        row.programme.name if row.programme_id else "", row.get_education_display(), row.get_scarcity_display(),
        row.wanted, gap.on_record, gap.gap,
    ]
