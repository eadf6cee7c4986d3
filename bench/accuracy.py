"""Accuracy on the gold we hold, and what each signal adds (an ablation).

    python bench/accuracy.py                 # full aligner on every case
    python bench/accuracy.py --ablation      # each signal removed in turn; writes bench/ablation.md
    python bench/accuracy.py --simulations   # the full aligner on the simulated damage only

Cases: the S/PV.7050 dev gold (Chinese units 0-213) with the Arabic as extracted and in
reading order; FLORES devtest and the UNPC development set, each in reading order and with
its Arabic paragraphs displaced as a misread two-column page leaves them
(golddocs.displaced). bench/fit.py fits on these (FITTED), one set left out at a time.

Simulations (--simulations), kept apart so that nothing is fitted on them: sentences torn
at a column break, the tail read a column before its head on half the pages
(golddocs.torn), on FLORES and on the dev gold in reading order; FLORES displaced with
another seed; FLORES with 4 % of its Arabic sentences left out (golddocs.omitted).

Scored by the reference scorer, ../shared/eval/score.py. Prints link and bead F1 and the
seconds of each run.
"""
from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import golddocs  # noqa: E402

import aligner  # noqa: E402
from aligner import costs  # noqa: E402
from aligner.align import align_documents, prepare_pair  # noqa: E402
from aligner.lexicon import bundled, load  # noqa: E402
from aligner.records import records  # noqa: E402
from aligner.write import write_jsonl  # noqa: E402

ROOT = golddocs.ROOT
ZH, AR = ROOT / "samples" / "S_PV.7050_zh.txt", ROOT / "samples" / "S_PV.7050_ar.txt"


def sets() -> dict[str, dict[str, tuple[golddocs.GoldDoc, str | None]]]:
    """The development sets, each as case name -> (document with gold, the --only-zh range scored)."""
    meeting = golddocs.meeting(ZH, AR)
    fl, un = golddocs.flores(), golddocs.unpc()
    return {
        "dev": {"dev, as extracted": (meeting, "0-213"), "dev, reading order": (golddocs.reading_order(meeting), "0-213")},
        "FLORES": {"FLORES, reading order": (fl, None), "FLORES, displaced": (golddocs.displaced(fl), None)},
        "UNPC": {"UNPC, reading order": (un, None), "UNPC, displaced": (golddocs.displaced(un), None)},
    }


FITTED = ("dev, as extracted", "dev, reading order", "FLORES, reading order", "FLORES, displaced",
          "UNPC, reading order")  # the cases bench/fit.py fits on (UNPC displaced only measured: its time)


def cases() -> dict[str, tuple[golddocs.GoldDoc, str | None]]:
    """Every case of every development set: name -> (document with gold, the --only-zh range scored)."""
    return {k: v for cases in sets().values() for k, v in cases.items()}


def simulations() -> dict[str, tuple[golddocs.GoldDoc, str | None]]:
    """name -> (document with gold, the --only-zh range scored): damage the fitting never sees."""
    fl = golddocs.flores()
    return {
        "FLORES, torn pages": (golddocs.torn(fl), None),
        "FLORES, torn pages, seed 3": (golddocs.torn(fl, seed=3), None),
        "dev, reading order, torn pages": (golddocs.torn(golddocs.reading_order(golddocs.meeting(ZH, AR))), "0-213"),
        "FLORES, displaced, seed 3": (golddocs.displaced(fl, seed=3), None),
        "FLORES, 4% omitted": (golddocs.omitted(fl), None),
    }


def score(doc: golddocs.GoldDoc, only: str | None, beads, folder: Path) -> dict:
    zh, ar = doc.write(folder)
    pred = folder / "pred.jsonl"
    with open(pred, "w", encoding="utf-8") as f:
        write_jsonl(records(beads), f)
    cmd = [sys.executable, str(golddocs.EVAL / "score.py"), "--gold-dir", str(folder), "--zh-src", str(zh),
           "--ar-src", str(ar), "--pred-jsonl", str(pred), "--json"] + (["--only-zh", only] if only else [])
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def run(variant: dict, docs, reuse: bool = False) -> dict[str, dict]:
    """Align and score every case under one variant of the aligner's options. With `reuse`,
    each document is segmented and embedded once (for fitting: only the scoring changes)."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, (doc, only)) in enumerate(docs.items()):
            t0 = time.perf_counter()
            if reuse:
                lexicon = variant.get("lexicon") or load()
                args = {key: v for key, v in variant.items() if key != "lexicon"}
                result = align_documents(*_prepared(doc.zh, doc.ar, lexicon), lexicon, **args)
            else:
                result = aligner.align(doc.zh, doc.ar, check=False, **variant)
            seconds = time.perf_counter() - t0
            m = score(doc, only, result.beads, Path(tmp) / str(k))
            out[name] = {"link_f1": m["link_f1"], "bead_f1": m["bead_f1"], "seconds": round(seconds, 2)}
    return out


@functools.lru_cache(maxsize=16)
def _prepared(zh: str, ar: str, lexicon):
    return prepare_pair(zh, ar, lexicon, fork=False)


def variants() -> dict[str, dict]:
    """The full aligner, and each signal removed in turn."""
    fitted = costs.fitted()
    return {
        "full": {},
        "no encoder": {"evidence": fitted.without("meaning")},
        "no margin (plain cosine)": {"evidence": fitted.without("margin")},
        "no anchors": {"evidence": fitted.without("anchors")},
        "no length": {"evidence": fitted.without("length")},
        "no lexicon (names and terms)": {"lexicon": bundled(("glossary.tsv",))},
        "no glossary": {"lexicon": bundled(("lexicon.tsv",))},
        "no recovery": {"recover": False},
    }


def table(results: dict[str, dict[str, dict]]) -> str:
    names = list(next(iter(results.values())))
    head = "| variant | " + " | ".join(f"{n}: link / bead F1 (s)" for n in names) + " |"
    rows = [head, "|" + "---|" * (len(names) + 1)]
    for v, r in results.items():
        cells = [f"{r[n]['link_f1']:.3f} / {r[n]['bead_f1']:.3f} ({r[n]['seconds']:.1f})" for n in names]
        rows.append(f"| {v} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--ablation", action="store_true", help="remove each signal in turn; write bench/ablation.md")
    which.add_argument("--simulations", action="store_true", help="the full aligner on the simulated damage only")
    args = ap.parse_args()
    docs = simulations() if args.simulations else cases()
    chosen = variants() if args.ablation else {"full": {}}
    results = {}
    for name, variant in chosen.items():
        results[name] = run(variant, docs)
        print(name, json.dumps(results[name]), flush=True)
    text = table(results)
    print(text)
    if args.ablation:
        (ROOT / "bench" / "ablation.md").write_text(
            "# Ablation: each signal removed in turn\n\nMade by `python bench/accuracy.py --ablation`. "
            "Link F1 / bead F1 by the reference scorer, and seconds of `aligner.align` in-process.\n\n" + text,
            encoding="utf-8")


if __name__ == "__main__":
    main()
