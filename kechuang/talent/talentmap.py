"""The talent map (科技人才图谱): the same figures as interactive charts and as .xlsx sheets.

Every figure is computed in SQL as grouped counts over the talent on record (never one query per
person); each is a `Figure` holding its table (headers and rows, what the .xlsx sheet shows) and its
plotly spec (what the page draws with the local plotly.min.js)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear, Substr

from kechuang.core.models import HighTechDomain, Industry
from kechuang.core.storedfigures import stored_figure
from kechuang.talent.choices import Education, Gender, Mode
from kechuang.talent.clusters import cluster_of
from kechuang.talent.models import DirectoryRow, Edition, Programme, ProgrammeLevel, Talent
from kechuang.talent.services import gaps

AGE_BANDS = ((16, 29, "29岁及以下"), (30, 34, "30–34岁"), (35, 39, "35–39岁"), (40, 44, "40–44岁"), (45, 49, "45–49岁"),
             (50, 54, "50–54岁"), (55, 59, "55–59岁"), (60, 100, "60岁及以上"))
TOP_EMPLOYERS = 20
NETWORK_PEOPLE = 120


@dataclass
class Figure:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    plot: dict = field(default_factory=dict)


def _names(model, codes) -> dict:
    return dict(model.objects.filter(code__in=set(codes)).values_list("code", "name"))


def by_field_and_cluster(talents) -> Figure:
    groups = list(
        talents.annotate(domain=Substr("field_id", 1, 2), division=Substr("employer__industry_id", 1, 2))
        .values("domain", "division", "employer__industry_id").annotate(people=Count("id")).order_by()
    )
    domains, divisions = _names(HighTechDomain, [g["domain"] for g in groups]), _names(Industry, [g["division"] for g in groups])
    cells = Counter()
    for group in groups:
        key = (domains.get(group["domain"], group["domain"]), divisions.get(group["division"], group["division"] or "—"),
               cluster_of(group["employer__industry_id"]))
        cells[key] += group["people"]
    rows = [[*key, people] for key, people in sorted(cells.items(), key=lambda item: (-item[1], item[0]))]
    by_pair = Counter()
    for domain, _division, cluster, people in rows:
        by_pair[(domain, cluster)] += people
    xs, ys = sorted({c for _d, c in by_pair}), sorted({d for d, _c in by_pair})
    plot = {"data": [{"type": "heatmap", "x": xs, "y": ys, "z": [[by_pair.get((y, x), 0) for x in xs] for y in ys],
                      "colorscale": "Blues", "reversescale": True}],
            "layout": {"title": {"text": "技术领域 × 产业集群"}, "margin": {"l": 140}}}
    return Figure("field", "技术领域×行业×产业集群", ["技术领域", "行业门类(大类)", "产业集群", "人数"], rows, plot)


def by_employer(talents) -> Figure:
    groups = list(
        talents.values("employer__name", "employer__uscc", "employer__industry_id")
        .annotate(people=Count("id")).order_by("-people", "employer__name")
    )
    rows = [[g["employer__name"], g["employer__uscc"], cluster_of(g["employer__industry_id"]), g["people"]] for g in groups]
    top = rows[:TOP_EMPLOYERS][::-1]
    plot = {"data": [{"type": "bar", "orientation": "h", "x": [r[3] for r in top], "y": [r[0] for r in top]}],
            "layout": {"title": {"text": f"人才最多的 {TOP_EMPLOYERS} 家单位"}, "margin": {"l": 220}}}
    return Figure("employer", "按工作单位", ["工作单位", "统一社会信用代码", "产业集群", "人数"], rows, plot)


def by_programme(talents) -> Figure:
    groups = list(
        talents.values("level__programme__name", "level__name", "level__programme__order", "level__order")
        .annotate(people=Count("id")).order_by("level__programme__order", "level__order")
    )
    rows = [[g["level__programme__name"] or "未入选人才计划", g["level__name"] or "—", g["people"]] for g in groups]
    programmes = list(dict.fromkeys(r[0] for r in rows))
    levels = list(dict.fromkeys(r[1] for r in rows))
    data = [{"type": "bar", "name": level, "x": programmes,
             "y": [sum(r[2] for r in rows if r[0] == p and r[1] == level) for p in programmes]} for level in levels]
    plot = {"data": data, "layout": {"title": {"text": "人才计划与层次"}, "barmode": "stack"}}
    return Figure("programme", "按人才计划与层次", ["人才计划", "人才层次", "人数"], rows, plot)


def _pyramid(title, categories, counts) -> dict:
    male = [-counts.get((category, Gender.MALE), 0) for category in categories]
    female = [counts.get((category, Gender.FEMALE), 0) for category in categories]
    return {"data": [
        {"type": "bar", "orientation": "h", "name": "男", "y": categories, "x": male, "customdata": [-v for v in male],
         "hovertemplate": "%{y} 男 %{customdata}<extra></extra>"},
        {"type": "bar", "orientation": "h", "name": "女", "y": categories, "x": female},
    ], "layout": {"title": {"text": title}, "barmode": "overlay", "bargap": 0.1}}


def age_pyramid(talents, year: int) -> Figure:
    counts = Counter()
    for group in talents.values("birth_year", "gender").annotate(people=Count("id")).order_by():
        age = year - group["birth_year"]
        band = next((label for low, high, label in AGE_BANDS if low <= age <= high), AGE_BANDS[-1][2])
        counts[(band, group["gender"])] += group["people"]
    bands = [label for _low, _high, label in AGE_BANDS]
    rows = [[band, counts.get((band, Gender.MALE), 0), counts.get((band, Gender.FEMALE), 0)] for band in bands]
    return Figure("age", "年龄结构", ["年龄段", "男", "女"], rows, _pyramid(f"年龄金字塔（{year}年）", bands, counts))


def education_pyramid(talents) -> Figure:
    counts = Counter({(g["education"], g["gender"]): g["people"]
                      for g in talents.values("education", "gender").annotate(people=Count("id")).order_by()})
    labels = dict(Education.choices)
    order = list(reversed(Education.values))
    rows = [[labels[e], counts.get((e, Gender.MALE), 0), counts.get((e, Gender.FEMALE), 0)] for e in order]
    relabelled = Counter({(labels[e], g): n for (e, g), n in counts.items()})
    return Figure("education", "学历结构", ["学历", "男", "女"], rows, _pyramid("学历金字塔", [labels[e] for e in order], relabelled))


def inflow(talents) -> Figure:
    groups = list(
        talents.filter(arrival_date__isnull=False).annotate(year=ExtractYear("arrival_date"))
        .values("year", "mode").annotate(people=Count("id")).order_by("year")
    )
    years = sorted({g["year"] for g in groups})
    counts = {(g["year"], g["mode"]): g["people"] for g in groups}
    rows = [[year, counts.get((year, Mode.FULL_TIME), 0), counts.get((year, Mode.FLEXIBLE), 0)] for year in years]
    data = [{"type": "bar", "name": label, "x": years, "y": [counts.get((y, mode), 0) for y in years]} for mode, label in Mode.choices]
    return Figure("inflow", "历年引进", ["到岗年份", "全职", "柔性"], rows,
                  {"data": data, "layout": {"title": {"text": "历年引进人数"}, "barmode": "stack"}})


def network(talents) -> Figure:
    """People, their employers, and the achievements and projects they worked on: the best-linked
    people first (at most NETWORK_PEOPLE), laid out in four columns so the picture is the same each time."""
    people = list(
        talents.annotate(links=Count("achievements", distinct=True) + Count("projects", distinct=True))
        .filter(links__gt=0).order_by("-links", "name", "pk")
        .values("pk", "name", "employer_id", "employer__name")[:NETWORK_PEOPLE]
    )
    chosen = [p["pk"] for p in people]
    through_a = talents.model.achievements.through.objects.filter(talent_id__in=chosen).values_list(
        "talent_id", "achievement_id", "achievement__title")
    through_p = talents.model.projects.through.objects.filter(talent_id__in=chosen).values_list(
        "talent_id", "project_id", "project__name")
    edges, rows = [], []
    nodes = {("person", p["pk"]): p["name"] for p in people}
    for p in people:
        nodes[("employer", p["employer_id"])] = p["employer__name"]
        edges.append((("person", p["pk"]), ("employer", p["employer_id"])))
        rows.append([p["name"], "工作单位", p["employer__name"]])
    name_of = {p["pk"]: p["name"] for p in people}
    for kind, label, links in (("achievement", "科技成果", through_a), ("project", "科技项目", through_p)):
        for talent_id, target_id, title in links:
            nodes[(kind, target_id)] = title
            edges.append((("person", talent_id), (kind, target_id)))
            rows.append([name_of[talent_id], label, title])
    columns = {"employer": 0, "person": 1, "achievement": 2, "project": 3}
    placed = defaultdict(list)
    for key in sorted(nodes, key=lambda k: (columns[k[0]], nodes[k], k[1])):
        placed[key[0]].append(key)
    position = {}
    for kind, keys in placed.items():
        for index, key in enumerate(keys):
            position[key] = (columns[kind], 1 - (index + 0.5) / len(keys))
    edge_x, edge_y = [], []
    for a, b in edges:
        edge_x += [position[a][0], position[b][0], None]
        edge_y += [position[a][1], position[b][1], None]
    kinds = (("employer", "工作单位"), ("person", "人才"), ("achievement", "科技成果"), ("project", "科技项目"))
    data = [{"type": "scatter", "mode": "lines", "x": edge_x, "y": edge_y, "hoverinfo": "skip", "showlegend": False,
             "line": {"width": 0.5, "color": "#9aa"}}]
    data += [{"type": "scatter", "mode": "markers", "name": label, "x": [position[k][0] for k in placed[kind]],
              "y": [position[k][1] for k in placed[kind]], "text": [nodes[k] for k in placed[kind]], "hoverinfo": "text",
              "marker": {"size": 8}} for kind, label in kinds]
    layout = {"title": {"text": "人才—单位—成果—项目关系网络"}, "height": 640,
              "xaxis": {"tickvals": [0, 1, 2, 3], "ticktext": [label for _kind, label in kinds]}, "yaxis": {"visible": False}}
    return Figure("network", "关系网络", ["人才", "关系", "对象"], rows, {"data": data, "layout": layout})


def directory_gaps(edition, talents) -> Figure | None:
    if edition is None:
        return None
    found = gaps(edition, talents)
    rows = [[g.row.field.name, g.row.industry.name if g.row.industry_id else "", g.row.position, g.row.wanted, g.on_record, g.gap]
            for g in found]
    labels = [f"{r[2]}（{r[0]}）" for r in rows]
    plot = {"data": [
        {"type": "bar", "name": "在册", "x": labels, "y": [r[4] for r in rows]},
        {"type": "bar", "name": "缺口", "x": labels, "y": [r[5] for r in rows], "marker": {"color": "#d9534f"}},
    ], "layout": {"title": {"text": f"{edition.year}年指导目录缺口"}, "barmode": "stack"}}
    return Figure("gaps", f"{edition.year}年目录缺口", ["技术领域", "行业", "岗位", "需求人数", "在册人数", "缺口"], rows, plot)


def figures(talents, edition, as_of: dt.date) -> list[Figure]:
    talents = talents.on_record(as_of)
    found = [by_field_and_cluster(talents), by_employer(talents), by_programme(talents), age_pyramid(talents, as_of.year),
             education_pyramid(talents), inflow(talents), network(talents), directory_gaps(edition, talents)]
    return [figure for figure in found if figure is not None]


@stored_figure("talent.district_map", reads=(Talent, Programme, ProgrammeLevel, Edition, DirectoryRow, "registry.Enterprise",
                                             "registry.Project", "techmarket.Achievement"))
def _district_figures(as_of: dt.date, edition_id: int | None) -> list[dict]:
    edition = Edition.objects.filter(pk=edition_id).first() if edition_id else None
    return [asdict(figure) for figure in figures(Talent.objects.in_district(), edition, as_of)]


def district_figures(edition, as_of: dt.date) -> list[Figure]:
    """The map of the district's talent on a day, against an edition's directory: computed once a day and
    edition, and again after any change to the records it is drawn from."""
    return [Figure(**figure) for figure in _district_figures(as_of, edition.pk if edition else None)]


def workbook_sheets(found: list[Figure]):
    return [(figure.title, figure.headers, figure.rows) for figure in found]


