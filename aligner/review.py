"""The HTML review page: one self-contained file (inline CSS and JS, no request of
any kind) showing the bead records side by side, Chinese left, Arabic right,
grouped under speaker turns, with what a reviewer needs to find doubtful beads
and reject them. The page downloads the decisions as JSON for `aligner convert
--decisions`.

The rows are written here, not by script, so the page shows everything without
JavaScript; the script (assets/review.js) only filters, searches and records
decisions.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path, PurePath
from typing import TextIO

from .model import SourceInfo
from .read import InputError, read_utf8
from .records import two_sided

BANDS = (0.2, 0.4, 0.6, 0.8)  # score bands s0 (below 0.2) to s4 (0.8 and above), red to green
HISTOGRAM_BINS = 10
DEFAULT_THRESHOLD = 0.5  # the "below" filter's slider starts here
# The page may load nothing: no script, style, font, image or connection from anywhere.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


@cache
def _asset(name: str) -> str:
    return files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def band(score: float) -> int:
    return sum(score >= b for b in BANDS)


def line_ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> '3–5, 9'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def moved_origins(recs: list[dict]) -> dict[int, int | None]:
    """For each moved bead, the bead whose Arabic comes just before its Arabic in the
    Arabic file (None: at the start of the file): where the text was taken from."""
    in_source_order = sorted((r for r in recs if two_sided(r)), key=lambda r: (r["ar_lines"][0], r["id"]))
    return {r["id"]: (in_source_order[k - 1]["id"] if k else None)
            for k, r in enumerate(in_source_order) if r.get("moved")}


def summary(recs: list[dict]) -> dict:
    """What the page's header shows, counted on the records it holds."""
    linked = [r["score"] for r in recs if two_sided(r)]
    histogram = Counter(min(int(s * HISTOGRAM_BINS), HISTOGRAM_BINS - 1) for s in linked)
    sentences = [tuple(map(int, r["type"].split("-"))) for r in recs if not two_sided(r)]
    return {
        "turns": len({r["turn"] for r in recs}),
        "beads": len(recs),
        "by_type": dict(sorted(Counter(r["type"] for r in recs).items())),
        "unaligned_zh": sum(z for z, _ in sentences),
        "unaligned_ar": sum(a for _, a in sentences),
        "moved": sum(1 for r in recs if r.get("moved")),
        "mean_score": sum(linked) / len(linked) if linked else 0.0,
        "histogram": [histogram[k] for k in range(HISTOGRAM_BINS)],
    }


def _header(info: SourceInfo, s: dict) -> str:
    files_ = " ↔ ".join(f"<code>{escape(name)}</code>" for name in (info.zh_file, info.ar_file) if name)
    items = [
        ("turns", s["turns"]),
        ("beads", s["beads"]),
        ("by type", ", ".join(f"{k}: {v}" for k, v in s["by_type"].items())),
        ("unaligned sentences (zh / ar)", f"{s['unaligned_zh']} / {s['unaligned_ar']}"),
        ("moved", s["moved"]),
        ("mean score", f"{s['mean_score']:.3f}"),
    ]
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(str(v))}</dd></div>" for k, v in items)
    top = math.log1p(max(s["histogram"])) or 1  # a log scale: most beads score near 1
    bins = "".join(
        f'<span class="s{band(k / HISTOGRAM_BINS)}" style="height:{100 * math.log1p(n) / top:.0f}%" '
        f'title="score {k / HISTOGRAM_BINS:.1f}–{(k + 1) / HISTOGRAM_BINS:.1f}: {n} beads"></span>'
        for k, n in enumerate(s["histogram"]))
    doc = f' <span class="doc">{escape(info.document)}</span>' if info.document else ""
    filters = "".join(
        f'<label><input type="radio" name="filter" value="{value}"{" checked" if value == "all" else ""}> {label}</label>'
        for value, label in (("all", "all"), ("below", "score below"), ("moved", "moved"), ("unaligned", "unaligned")))
    return f"""<header>
<h1>Alignment review{doc}</h1>
<p class="files">{files_}</p>
<dl class="summary">{dl}<div><dt>scores</dt><dd class="hist" title="score distribution of the two-sided beads">{bins}</dd></div></dl>
<form class="controls" id="controls">
<span>show: {filters}
<input type="range" id="threshold" min="0" max="1" step="0.05" value="{DEFAULT_THRESHOLD}" aria-label="score threshold">
<output id="threshold-value">{DEFAULT_THRESHOLD:.2f}</output></span>
<input type="search" id="search" placeholder="search Chinese and Arabic" aria-label="search">
<span id="shown">{s['beads']} of {s['beads']} beads shown</span>
<button type="button" id="download">download decisions (<span id="rejected-count">0</span> rejected)</button>
<span class="keys">j / k: next / previous doubtful bead · x: reject it · Enter or Esc leaves the search box</span>
</form>
</header>
"""


def _turn_head(rec: dict) -> str:
    zh, ar = rec["speaker_zh"], rec["speaker_ar"]
    return (f'<div class="turn-head"><h2 lang="zh">{escape(zh) or "—"}</h2>'
            f'<span class="no">turn {rec["turn"]}</span>'
            f'<h2 lang="ar" dir="rtl">{escape(ar) or "—"}</h2></div>\n')


def _side(rec: dict, lang: str) -> str:
    rtl = ' dir="rtl"' if lang == "ar" else ""
    text = escape(rec[lang]) if rec[lang] else f'<span class="empty">no {"Chinese" if lang == "zh" else "Arabic"}</span>'
    return f'<div class="{lang}" lang="{lang}"{rtl}>{text}</div>'


def _row(rec: dict, origin: dict[int, int | None], shown: set[int]) -> str:
    bead_id, score = rec["id"], rec["score"]
    linked = two_sided(rec)
    classes = ["bead", f"s{band(score)}" if linked else "unaligned"]
    meta = [f'<a class="id" href="#b{bead_id}">#{bead_id}</a>', f'<span class="type">{escape(rec["type"])}</span>']
    if linked:
        meta.append(f'<span class="score" title="score"><span class="band"><i style="width:{100 * score:.0f}%"></i></span>'
                    f"{score:.2f}</span>")
    else:
        meta.append('<span class="unal">unaligned</span>')
    meta.append('<label class="reject"><input type="checkbox"> reject</label>')
    lines = [f"{lang} {line_ranges(rec[f'{lang}_lines'])}" for lang in ("zh", "ar") if rec[f"{lang}_lines"]]
    meta.append(f'<span class="lines">lines {" · ".join(lines)}</span>')
    if rec.get("moved"):
        classes.append("moved-bead")
        before = origin.get(bead_id)
        where = ("at the start of the Arabic file" if before is None else
                 f'after <a href="#b{before}">#{before}</a> in the Arabic file' if before in shown else
                 f"after #{before} in the Arabic file")
        meta.append(f'<span class="moved" title="Arabic taken out of source order">⇄ moved: its Arabic comes {where}</span>')
    return (f'<div class="{" ".join(classes)}" id="b{bead_id}" data-id="{bead_id}" data-score="{score}">'
            f'{_side(rec, "zh")}<div class="meta">{" ".join(meta)}</div>{_side(rec, "ar")}</div>\n')


def write_html(recs: Iterable[dict], out: TextIO, info: SourceInfo | None = None) -> None:
    """The review page of the bead records."""
    recs = list(recs)
    info = info or SourceInfo()
    origin = moved_origins(recs)
    shown = {r["id"] for r in recs}
    names = [n for n in (info.zh_file, info.ar_file) if n]
    title = " ↔ ".join(names) or "alignment"
    stem = PurePath(info.zh_file).stem.removesuffix("_zh") if info.zh_file else "alignment"
    out.write(f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review: {escape(title)}</title>
<style>
{_asset("review.css")}</style>
</head>
<body>
""")
    out.write(_header(info, summary(recs)))
    out.write(f'<main id="beads" data-zh-file="{escape(info.zh_file)}" data-ar-file="{escape(info.ar_file)}" '
              f'data-document="{escape(info.document)}" data-decisions="{escape(stem)}.decisions.json">\n')
    turn = None
    for rec in recs:
        if rec["turn"] != turn:
            out.write(("</section>\n" if turn is not None else "") + f'<section class="turn" data-turn="{rec["turn"]}">\n')
            out.write(_turn_head(rec))
            turn = rec["turn"]
        out.write(_row(rec, origin, shown))
    if turn is not None:
        out.write("</section>\n")
    out.write(f"</main>\n<script>\n{_asset('review.js')}</script>\n</body>\n</html>\n")


def _ids(value: object) -> list[int] | None:
    ok = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    return value if ok else None


def read_decisions(path: Path, info: SourceInfo, recs: list[dict], alignment: Path) -> set[int]:
    """The ids of the beads a reviewer rejected, from the JSON the page downloads:
    {"zh_file", "ar_file", "document", "rejected": [ids], "accepted": [ids]}.

    Decisions made on another document's page, or naming beads the alignment
    does not hold, are refused rather than applied to the wrong beads."""
    try:
        data = json.loads(read_utf8(path))
    except json.JSONDecodeError:
        raise InputError(f"{path}: not a decisions file (JSON downloaded from the review page)") from None
    rejected = _ids(data.get("rejected")) if isinstance(data, dict) else None
    if rejected is None or _ids(data.get("accepted", [])) is None:
        raise InputError(f"{path}: expected an object whose \"rejected\" and \"accepted\" are lists of bead ids")
    for key in ("zh_file", "ar_file"):
        theirs, ours = data.get(key) or "", getattr(info, key)
        if theirs and ours and theirs != ours:
            raise InputError(f"{path}: these decisions are for {theirs}, but {alignment} aligns {ours}")
    unknown = sorted(set(rejected) - {r["id"] for r in recs})
    if unknown:
        shown = ", ".join(map(str, unknown[:5])) + (", …" if len(unknown) > 5 else "")
        raise InputError(f"{path}: rejected bead ids not in {alignment}: {shown}")
    return set(rejected)
