"""Reading demand/achievement CSV files (header ``id,title,description,keywords``).

Errors are ``CsvError`` with a Chinese message naming the file, row and column; nothing is
returned for a file with any error (all-or-nothing)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .engine import Record

REQUIRED = ("id", "title", "description")
OPTIONAL = ("keywords",)
LABELS = {"id": "编号", "title": "标题", "description": "描述", "keywords": "关键词"}


class CsvError(ValueError):
    pass


def read_records(path: str | Path) -> list[Record]:
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CsvError(f"文件 {name} 无法读取：{e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise CsvError(f"文件 {name} 不是 UTF-8 编码（第 {line} 行起无法按 UTF-8 解码），请另存为 UTF-8 后重试") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise CsvError(f"文件 {name} 为空，缺少表头 id,title,description,keywords")
    cols = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        names = "、".join(f"{c}（{LABELS[c]}）" for c in missing)
        raise CsvError(f"文件 {name} 缺少必需的列：{names}；表头应为 id,title,description,keywords")
    pos = {c: cols.index(c) for c in REQUIRED + OPTIONAL if c in cols}
    records: list[Record] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    for rowno, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(cols):
            errors.append(f"文件 {name} 第 {rowno} 行：列数 {len(row)} 多于表头的 {len(cols)} 列（字段中的英文逗号需用引号括起）")
            continue
        cell = {c: (row[i].strip() if i < len(row) else "") for c, i in pos.items()}
        for c in ("id", "description"):
            if not cell[c]:
                errors.append(f"文件 {name} 第 {rowno} 行：{c}（{LABELS[c]}）列为空")
        if cell["id"]:
            if cell["id"] in seen:
                errors.append(f"文件 {name} 第 {rowno} 行：id（编号）“{cell['id']}”与第 {seen[cell['id']]} 行重复")
            seen.setdefault(cell["id"], rowno)
        records.append(Record(cell["id"], cell["title"], cell["description"], cell.get("keywords", "")))
    if errors:
        more = f"（另有 {len(errors) - 10} 处错误未列出）" if len(errors) > 10 else ""
        raise CsvError("\n".join(errors[:10]) + more)
    return records
