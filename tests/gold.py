"""Helpers over the shared dev gold (../shared/eval): a reading-order Arabic text."""
from __future__ import annotations

import json
import re
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
_FINAL = re.compile(r"[.!؟?:)»\"]\s*$")


def load_units(path: Path) -> dict[int, tuple[int, str]]:
    """unit id -> (source line, text)."""
    units = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        i, ln, _a, _b, text = line.split("\t", 4)
        units[int(i)] = (int(ln), text)
    return units


def reading_order_arabic(eval_dir: Path = EVAL_DIR) -> str:
    """The Arabic S/PV.7050 with its units re-ordered to follow the Chinese gold beads.

    Units outside the dev gold keep their source order after the re-ordered part.
    Consecutive units from one source line stay on one line; a unit that ends
    mid-sentence is followed on the same line by its continuation in the same bead.
    """
    units = load_units(eval_dir / "units_ar.tsv")
    order: list[int] = []
    bead_of: dict[int, int] = {}
    for n, line in enumerate((eval_dir / "dev_beads.jsonl").read_text(encoding="utf-8").splitlines()):
        if line.strip():
            for u in json.loads(line)["ar"]:
                if u not in bead_of:
                    order.append(u)
                    bead_of[u] = n
    order += [u for u in sorted(units) if u not in bead_of]
    lines: list[list[str]] = []
    prev = None
    for u in order:
        src, text = units[u]
        same_sentence = prev is not None and bead_of.get(prev, -1) == bead_of.get(u, -2) and not _FINAL.search(units[prev][1])
        if lines and (src == units[prev][0] or same_sentence):
            lines[-1].append(text)
        else:
            lines.append([text])
        prev = u
    return "\n\n".join(" ".join(parts) for parts in lines) + "\n"
