"""The evaluation reports as official .docx documents (GB/T 9704, kechuang.core.documents): one per
carrier, with every indicator's value, band, points and source, and one for the district."""
from __future__ import annotations

from kechuang.carriers.evaluation import system, with_change
from kechuang.carriers.models import CarrierScore
from kechuang.core.documents import OfficialDocument


# The district's report goes out under the bureau's red head.
ISSUER_MARK = "科技局"


def _notes(document):
    sys = system()
    document.heading("评价说明")
    document.paragraph(f"本评价采用《{sys.name}》（依据 {sys.document_number}）。")
    for note in sys.notes:
        document.note(note)


def carrier_report(score: CarrierScore) -> bytes:
    change = with_change([score])[0]
    document = OfficialDocument(f"{score.carrier.name}{score.year}年度评价报告")
    document.heading("一、总体结果")
    previous = "无上年评价" if change["previous"] is None else f"上年 {change['previous']} 分，变化 {change['change']:+} 分"
    document.paragraph(f"{score.carrier.name}（{score.carrier.get_kind_display()}，{score.carrier.get_level_display()}，"
                       f"按{system().variants[score.variant]}载体评价）{score.year}年度得分 {score.total} 分，"
                       f"在全区参评载体中排名第 {score.rank} 位；{previous}。")
    document.heading("二、各项指标")
    document.table(["类别", "指标", "数值", "达到档次", "权重", "得分", "数据来源"],
                   [[i["category"], i["label"], i.get("value_text") or i["value"] if i["value"] is not None else "数据缺失", i["band"] or "未达档",
                     i["weight"], i["points"], i["source"]] for i in score.items])
    _notes(document)
    return document.bytes()


def district_report(year: int) -> bytes:
    scores = list(CarrierScore.objects.filter(year=year).select_related("carrier").order_by("rank", "carrier__code"))
    document = OfficialDocument(f"{year}年度创新载体评价报告", issuer_mark=ISSUER_MARK)
    document.heading("一、总体情况")
    document.paragraph(f"{year}年度共评价创新载体 {len(scores)} 家。")
    document.heading("二、排名")
    document.table(["排名", "载体", "类型", "级别", "评价类别", "得分", "上年得分", "变化"],
                   [[r["score"].rank, r["score"].carrier.name, r["score"].carrier.get_kind_display(),
                     r["score"].carrier.get_level_display(), system().variants.get(r["score"].variant, r["score"].variant),
                     r["score"].total, r["previous"] if r["previous"] is not None else "—",
                     f"{r['change']:+}" if r["change"] is not None else "—"] for r in with_change(scores)])
    _notes(document)
    return document.bytes()
