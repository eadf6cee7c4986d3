"""Benchmark: speed, memory and scaling, side by side with a Gale–Church baseline.

    .venv/bin/python bench/run.py [--runs 5] [--budget 600] [--sizes 1,10,100] [--short-lines 20000,200000]

Writes bench/results.json (every figure) and bench/results.md (tables, with the
targets of issue 8 marked met / not met). Sections:

1. end to end: the `aligner align` command as a subprocess (wall time, peak RSS
   of each run from wait4), and the stages timed in-process with perf_counter;
2. scaling: the sample pair repeated 1x, 10x, 100x, each size in a fresh
   subprocess (peak RSS), stopped at the time budget; and N short numbered lines a side
   (20,000 and 200,000 by default), `aligner align` as a subprocess;
3. baseline: bench/baseline.py (length-only Gale–Church) on the same segments,
   so speed is also given as a ratio ours / baseline;
4. start-up: is torch or transformers imported, and `python -X importtime`;
5. a cProfile of align_documents(recover=True) on the sample pair;
6. reading PDF and DOCX: the sample laid out by tests/documents.py with its
   body twice (a Chinese PDF of about 30 pages), read by formats.extract
   (skipped without LibreOffice, which makes the PDFs).
"""
from __future__ import annotations

import argparse
import cProfile
import datetime
import functools
import hashlib
import json
import math
import os
import platform
import pstats
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ZH, AR = ROOT / "samples/S_PV.7050_zh.txt", ROOT / "samples/S_PV.7050_ar.txt"
# Other people may edit aligner/ while the benchmark runs, so it measures a copy taken at the start:
# SNAPSHOT goes first on sys.path and PYTHONPATH, and subprocesses run there (see freeze()).
SNAPSHOT = ROOT
TARGETS = {"e2e_wall_s": 2.5, "segments_per_s": 20_000, "peak_rss_mb": 1536, "slope": 1.1}  # issue 13's bounds


# ---------------------------------------------------------------- measuring processes

def run_process(cmd: list[str], budget: float | None = None, mem_cap_mb: float | None = None,
                stdout=subprocess.DEVNULL) -> dict:
    """Run a command; its wall time, CPU time and peak RSS (from wait4), killed at the budget or memory cap."""
    errors = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=errors, cwd=SNAPSHOT, start_new_session=True)
    killed = None
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        elapsed = time.perf_counter() - start
        if budget and elapsed > budget:
            killed = "timeout"
        elif mem_cap_mb and _rss_mb(proc.pid) > mem_cap_mb:
            killed = "memory cap"
        if killed:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, ru = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02 if elapsed < 5 else 0.2)
    wall, end = time.perf_counter() - start, time.time()
    proc.returncode = os.waitstatus_to_exitcode(status)  # keeps Popen from waiting again
    errors.seek(0)
    err = errors.read().decode(errors="replace")[-500:]
    errors.close()
    return {"wall_s": wall, "end_time": end, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": ru.ru_maxrss / 1024,
            "exit": proc.returncode, "killed": killed, "stderr": err if proc.returncode else ""}


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _output(cmd: list[str], stderr: bool = False, cwd: Path | None = None) -> str:
    got = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or SNAPSHOT, check=False)
    return got.stderr if stderr else got.stdout


def spread(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": len(xs)}


# ---------------------------------------------------------------- 1. end to end and stages

def aligner_command() -> str:
    exe = Path(sys.executable).parent / "aligner"
    return str(exe) if exe.exists() else "aligner"


def end_to_end(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [aligner_command(), "align", str(ZH), str(AR), "-o", f"{tmp}/out.jsonl", "-q"]
        run_process(cmd)  # warm-up
        got = [run_process(cmd) for _ in range(runs)]
    bad = [g for g in got if g["exit"]]
    if bad:
        raise SystemExit(f"aligner failed: {bad[0]['stderr']}")
    return {"command": "aligner align S_PV.7050_zh.txt S_PV.7050_ar.txt -o OUT.jsonl -q",
            "wall_s": spread([g["wall_s"] for g in got]), "cpu_s": spread([g["cpu_s"] for g in got]),
            "peak_rss_mb": spread([g["peak_rss_mb"] for g in got])}


def startup(runs: int) -> dict:
    cmd = [sys.executable, "-c", "import aligner.cli"]
    run_process(cmd)
    got = [run_process(cmd) for _ in range(runs)]
    return {"wall_s": spread([g["wall_s"] for g in got]), "cpu_s": spread([g["cpu_s"] for g in got])}


def stages(runs: int, band: int) -> dict:
    """Each library stage timed in-process, all stages once per round, `runs` rounds after a warm-up."""
    import baseline

    from aligner import embed
    from aligner import lexicon as lexmod
    from aligner.align import PairContext, align_documents, prepare, prepare_pair
    from aligner.guard import check_same_document
    from aligner.read import read_file
    from aligner.records import records
    from aligner.turns import align_turns
    from aligner.write import write_jsonl

    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}

    @contextmanager
    def clock(name):
        t, c = time.perf_counter(), time.process_time()
        yield
        times.setdefault(name, []).append(time.perf_counter() - t)
        cpu.setdefault(name, []).append(time.process_time() - c)

    def timed(name, fn, *args, **kw):
        with clock(name):
            return fn(*args, **kw)

    with tempfile.TemporaryDirectory() as tmp:
        for r in range(runs + 1):
            lexmod.load.cache_clear()
            lex = timed("lexicon", lexmod.load)
            embed.encoder.cache_clear()
            timed("encoder", embed.encoder)
            with clock("read"):
                (zt, _), (at, _) = read_file(ZH, "zh"), read_file(AR, "ar")
            timed("guard", check_same_document, zt, at)
            timed("prepare_zh", prepare, zt, "zh", lex)
            timed("prepare_ar", prepare, at, "ar", lex)
            check = functools.partial(check_same_document, zt, at)
            z, a = timed("prepare_pair", prepare_pair, zt, at, lex, meanwhile=check)
            timed("encode", embed.embed, [s.text for s in z.segments + a.segments])
            ratio = PairContext(z, a, lex).model.ratio
            timed("turns", align_turns, z.turns, a.turns, ratio)
            timed("monotone", align_documents, z, a, lex, recover=False)
            result = timed("full", align_documents, z, a, lex, recover=True)
            zl = [baseline.text_length(s.text) for s in z.segments]
            al = [baseline.text_length(s.text) for s in a.segments]
            timed("baseline", baseline.align, zl, al, band)
            with open(f"{tmp}/out.jsonl", "w", encoding="utf-8") as f:
                timed("write", write_jsonl, records(result.beads), f)
            if r == 0:  # warm-up round
                times.clear()
                cpu.clear()

    def rows(t: dict[str, list[float]]) -> dict[str, dict]:
        return {k: spread(v) for k, v in {
            "lexicon load": t["lexicon"],
            "encoder load (model and tokenizer, from the cache)": t["encoder"],
            "encoding every segment of both languages, one core (inside the next row, on two)": t["encode"],
            "reading": t["read"],
            "same-document check and segmentation+features, both languages at once": t["prepare_pair"],
            "turn alignment": t["turns"],
            "sentence alignment": [m - x for m, x in zip(t["monotone"], t["turns"])],
            "recovery": [f - m for f, m in zip(t["full"], t["monotone"])],
            "writing": t["write"],
        }.items()}
    return {
        "segments": {"zh": len(z.segments), "ar": len(a.segments)},
        "turns": {"zh": len(z.turns), "ar": len(a.turns)},
        "beads": len(result.beads),
        "stages": rows(times),
        "stages_cpu": rows(cpu),
        "one_after_the_other": {k: spread(times[n]) for k, n in (
            ("same-document check", "guard"), ("segmentation+features, Chinese", "prepare_zh"),
            ("segmentation+features, Arabic", "prepare_ar"))},
        "align_documents": spread(times["full"]),
        "align_documents_monotone": spread(times["monotone"]),
        "baseline": spread(times["baseline"]),
        "ratio_full": spread([f / b for f, b in zip(times["full"], times["baseline"])]),
        "ratio_monotone": spread([m / b for m, b in zip(times["monotone"], times["baseline"])]),
    }


# ---------------------------------------------------------------- 2. scaling (child processes)

def child(kind: str, copies: int, band: int) -> None:
    """One size in a fresh process; prints a JSON line per finished step (so a killed run leaves what it did)."""
    import importlib

    import baseline

    from aligner.lexicon import load
    from aligner.read import read_file

    def emit(event: str, **kw):
        print(json.dumps({"event": event, "t": time.perf_counter() - t0, "time": time.time(), **kw}), flush=True)

    A = importlib.import_module("aligner.align")  # the module (aligner.align the attribute is the function)
    E = importlib.import_module("aligner.embed")
    encode, part, spent = E.embed, A._prepare_part, [0.0]

    def timed_encode(texts):  # the encoder's own time, in whichever process prepares the language
        t = time.perf_counter()
        out = encode(texts)
        spent[0] += time.perf_counter() - t
        return out

    def timed_part(text, lang, *args):  # carries each process's encoder time home (also from the forked child)
        before = spent[0]
        doc, other = part(text, lang, *args)
        doc.encoder_s = spent[0] - before
        return doc, other
    E.embed, A._prepare_part = timed_encode, timed_part
    lex = load()
    E.encoder()  # loaded once per process, as a batch worker keeps it
    zt = "\n".join([read_file(ZH, "zh")[0]] * copies)
    at = "\n".join([read_file(AR, "ar")[0]] * copies)
    t0 = time.perf_counter()
    emit("ready", rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    z, a = A.prepare_pair(zt, at, lex)  # as the CLI: the Arabic prepared in a forked child
    emit("prepared", segments=len(z.segments) + len(a.segments), turns=len(z.turns) + len(a.turns),
         encoder_s={"zh": z.encoder_s, "ar": a.encoder_s},  # by the process preparing each language (encoding_shares)
         fork_child_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    if kind == "baseline":
        r = baseline.align([baseline.text_length(s.text) for s in z.segments],
                           [baseline.text_length(s.text) for s in a.segments], band)
        emit("aligned", beads=len(r.beads), touched_edge=r.touched_edge)
        return
    # Mark the stages inside align_documents by wrapping the functions it looks up in its module.
    def mark(name, before=None, after=None):
        fn = getattr(A, name)

        def wrapper(*args, **kw):
            before and emit(before)
            out = fn(*args, **kw)
            after and emit(after)
            return out
        setattr(A, name, wrapper)
    mark("align_turns", "turns_start", "turns_done")
    mark("recover_displaced", "sentences_done")
    result = A.align_documents(z, a, lex, recover=True)
    emit("aligned", beads=len(result.beads))


def scale_run(kind: str, copies: int, band: int, budget: float, mem_cap_mb: float) -> dict:
    with tempfile.TemporaryFile("w+") as log:
        proc = run_process([sys.executable, __file__, "--child", kind, "--copies", str(copies), "--band", str(band)],
                           budget, mem_cap_mb, stdout=log)
        log.seek(0)
        ev: dict[str, dict] = {}
        for e in map(json.loads, log.read().splitlines()):
            ev.setdefault(e["event"], e)  # the first: recovery may run several passes
    out = {"copies": copies, "process_wall_s": proc["wall_s"], "peak_rss_mb": proc["peak_rss_mb"],
           "rss_after_imports_mb": ev.get("ready", {}).get("rss_mb"), "killed": proc["killed"], "exit": proc["exit"]}
    if proc["exit"] and not proc["killed"]:
        out["error"] = proc["stderr"]
    if "prepared" in ev:
        out["segments"], out["turns"] = ev["prepared"]["segments"], ev["prepared"]["turns"]
        out["fork_child_peak_rss_mb"] = ev["prepared"].get("fork_child_rss_mb")
        out["encoder_s"] = ev["prepared"].get("encoder_s")
    # the time of each stage that finished; the one that was running when the process was killed is open
    done = ev.get("aligned")
    t_end = done["t"] if done else None
    steps = {"prepare": ("ready", "prepared")}
    if kind == "baseline":
        steps["align"] = ("prepared", "aligned")
        if done:
            out["touched_edge"] = done["touched_edge"]
    else:
        steps.update({"turns": ("turns_start", "turns_done"), "sentences": ("prepared", "sentences_done"),
                      "recovery": ("sentences_done", "aligned"), "align": ("prepared", "aligned")})
    st = {}
    for name, (a, b) in steps.items():
        if a in ev and b in ev:
            st[name] = ev[b]["t"] - ev[a]["t"]
    if "sentences" in st and "turns" in st:
        st["sentences"] -= st["turns"]
    out["stages_s"] = st
    if t_end is not None:
        out["total_s"] = t_end - ev["ready"]["t"]
        out["segments_per_s"] = out["segments"] / out["total_s"]
    elif "ready" in ev:  # stopped: the time from ready to the kill is a lower bound
        out["total_s_lower_bound"] = proc["end_time"] - ev["ready"]["time"]
        if "segments" in out:
            out["segments_per_s_upper_bound"] = out["segments"] / out["total_s_lower_bound"]
        stopped = next(((n, a) for n, (a, b) in steps.items() if a in ev and b not in ev), None)
        if stopped:  # the stage that was running, and how long it had run
            out["stopped_during"] = stopped[0]
            out["stopped_stage_s_lower_bound"] = proc["end_time"] - ev[stopped[1]]["time"]
    return out


def slope(t1: float | None, t2: float | None, k1: int, k2: int) -> float | None:
    if not t1 or not t2:
        return None
    return math.log(t2 / t1) / math.log(k2 / k1)


def scaling(sizes: list[int], band: int, budget: float, mem_cap_mb: float) -> dict:
    out: dict = {"sizes": sizes, "budget_s": budget, "mem_cap_mb": mem_cap_mb, "ours": [], "baseline": []}
    for k in sizes:
        for kind in ("ours", "baseline"):
            say(f"  scaling {kind} {k}x ...")
            r = scale_run(kind, k, band, budget, mem_cap_mb)
            out[kind].append(r)
            say(f"    {_brief(r)}")
    for kind in ("ours", "baseline"):
        rows = out[kind]
        out[f"slopes_{kind}"] = []
        for r1, r2 in zip(rows, rows[1:]):
            t1, t2 = r1.get("total_s"), r2.get("total_s")
            s = {"from": r1["copies"], "to": r2["copies"], "slope": slope(t1, t2, r1["copies"], r2["copies"])}
            if t2 is None and t1 and r2.get("total_s_lower_bound"):
                s["slope_lower_bound"] = slope(t1, r2["total_s_lower_bound"], r1["copies"], r2["copies"])
            s["stages"] = {n: slope(r1["stages_s"].get(n), r2["stages_s"].get(n), r1["copies"], r2["copies"])
                           for n in r1["stages_s"]}
            out[f"slopes_{kind}"].append(s)
    for r, b in zip(out["ours"], out["baseline"]):
        ours_align, base_align = r["stages_s"].get("align"), b["stages_s"].get("align")
        r["ratio_align_vs_baseline"] = ours_align / base_align if ours_align and base_align else None
        if not ours_align and base_align and "prepare" in r["stages_s"] and "total_s_lower_bound" in r:
            ours_lb = r["total_s_lower_bound"] - r["stages_s"]["prepare"]
            r["ratio_align_vs_baseline_lower_bound"] = ours_lb / base_align
    return out


def short_lines_pair(n: int, folder: Path) -> tuple[Path, Path]:
    """n numbered one-sentence paragraphs a side, one a line with no blank line between (第1段。/ الفقرة 1.):
    the reader takes them for one wrapped paragraph of n lines (issue 26)."""
    zh, ar = folder / f"short{n}_zh.txt", folder / f"short{n}_ar.txt"
    zh.write_text("".join(f"第{k}段。\n" for k in range(1, n + 1)), encoding="utf-8")
    ar.write_text("".join(f"الفقرة {k}.\n" for k in range(1, n + 1)), encoding="utf-8")
    return zh, ar


def short_lines(sizes: list[int], budget: float, mem_cap_mb: float) -> dict:
    """`aligner align -q` as a subprocess on short_lines_pair of each size: wall and CPU time, peak RSS."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            zh, ar = short_lines_pair(n, Path(tmp))
            say(f"  {n:,} short lines a side ...")
            r = run_process([aligner_command(), "align", str(zh), str(ar), "-o", f"{tmp}/out.tsv", "-q"], budget, mem_cap_mb)
            rows.append({"lines": n, **{k: r[k] for k in ("wall_s", "cpu_s", "peak_rss_mb", "killed", "exit", "stderr")}})
            say(f"    {r['wall_s']:.1f} s" + (f" ({r['killed']})" if r["killed"] else "") + f", peak RSS {r['peak_rss_mb']:.0f} MB")
    done = [r for r in rows if not r["killed"] and not r["exit"]]
    slopes = [{"from": a["lines"], "to": b["lines"], "slope": slope(a["wall_s"], b["wall_s"], a["lines"], b["lines"])}
              for a, b in zip(done, done[1:])]
    return {"budget_s": budget, "rows": rows, "slopes": slopes}


def displaced_text(budget: float, mem_cap_mb: float) -> dict:
    """The UNPC development set (4,000 pairs of 732 UN documents, ../shared/eval/unpc_dev) through
    `aligner align -q` as a subprocess, in reading order and with its Arabic displaced as a misread
    two-column page leaves it (golddocs.displaced): wall and CPU time, peak RSS, and their ratio
    (issue 23: displaced within 1.5x of reading order, RSS <= 1 GB). Absent shared data: skipped."""
    sys.path.insert(0, str(BENCH))
    import golddocs

    if not golddocs.UNPC.exists():
        return {"skipped": f"{golddocs.UNPC} absent"}
    unpc = golddocs.unpc()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, doc in (("reading order", unpc), ("displaced", golddocs.displaced(unpc))):
            zh, ar = Path(tmp) / "unpc_zh.txt", Path(tmp) / "unpc_ar.txt"
            zh.write_text(doc.zh, encoding="utf-8")
            ar.write_text(doc.ar, encoding="utf-8")
            say(f"  UNPC dev, {name} ...")
            r = run_process([aligner_command(), "align", str(zh), str(ar), "-o", f"{tmp}/out.jsonl", "-q", "--force"],
                            budget, mem_cap_mb)
            rows.append({"case": name, **{k: r[k] for k in ("wall_s", "cpu_s", "peak_rss_mb", "killed", "exit", "stderr")}})
            say(f"    {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB")
    read, moved = rows
    ok = not any(r["killed"] or r["exit"] for r in rows)
    return {"rows": rows, "ratio": moved["wall_s"] / read["wall_s"] if ok else None}


def _brief(r: dict) -> str:
    t = r.get("total_s")
    return (f"{r.get('segments')} segments, " + (f"{t:.2f} s" if t else f"stopped ({r['killed'] or r.get('error')})")
            + f", peak RSS {r['peak_rss_mb']:.0f} MB")


# ---------------------------------------------------------------- 4. start-up imports

def imports() -> dict:
    check = ("import aligner.cli, sys; "
             "print(any(m.split('.')[0] in ('torch','transformers') for m in sys.modules))")
    heavy = _output([sys.executable, "-c", check]).strip()
    err = _output([sys.executable, "-X", "importtime", "-c", "import aligner.cli"], stderr=True)
    mods = []
    for line in err.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            mods.append({"module": m[4], "self_ms": int(m[1]) / 1000, "cumulative_ms": int(m[2]) / 1000,
                         "depth": len(m[3]) // 2})
    top = max((m for m in mods if m["module"] == "aligner.cli"), key=lambda m: m["cumulative_ms"], default=None)
    packages: dict[str, dict] = {}
    for m in mods:
        p = packages.setdefault(m["module"].split(".")[0], {"package": m["module"].split(".")[0], "self_ms": 0.0,
                                                            "modules": 0})
        p["self_ms"] += m["self_ms"]
        p["modules"] += 1
    return {"torch_or_transformers_imported": heavy == "True",
            "aligner_cli_cumulative_ms": top["cumulative_ms"] if top else None,
            "total_self_ms": sum(m["self_ms"] for m in mods),
            "top_self": sorted(mods, key=lambda m: -m["self_ms"])[:5],
            "top_packages": sorted(packages.values(), key=lambda p: -p["self_ms"])[:5]}


# ---------------------------------------------------------------- 5. profile

def profile() -> dict:
    from aligner.align import align_documents, prepare
    from aligner.lexicon import load
    from aligner.read import read_file

    lex = load()
    z, a = prepare(read_file(ZH, "zh")[0], "zh", lex), prepare(read_file(AR, "ar")[0], "ar", lex)
    prof = cProfile.Profile()
    prof.runcall(align_documents, z, a, lex, recover=True)
    st = pstats.Stats(prof)
    total = st.total_tt
    rows = [{"function": _where(f), "calls": nc, "tottime_s": tt, "cumtime_s": ct}
            for f, (cc, nc, tt, ct, _) in st.stats.items()]
    return {"total_s": total,
            "by_cumulative": sorted(rows, key=lambda r: -r["cumtime_s"])[:10],
            "by_internal": sorted(rows, key=lambda r: -r["tottime_s"])[:10]}


def _where(f: tuple) -> str:
    path, line, name = f
    if path == "~":
        return name
    p = Path(path)
    base = next((b for b in (SNAPSHOT, ROOT) if p.is_relative_to(b)), None)
    short = str(p.relative_to(base)) if base else p.name
    return f"{short}:{line}({name})"


# ---------------------------------------------------------------- report

def machine() -> dict:
    cpu = ""
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    except OSError:
        pass
    commit = _output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    dirty = _output(["git", "status", "--porcelain"], cwd=ROOT)
    return {"nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform(),
            "load_avg_at_start": os.getloadavg(),
            "commit": commit.strip() + (" (working tree modified)" if dirty else ""),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def source_hash(root: Path) -> str:
    """A fingerprint of the aligner package's code and data under `root`."""
    h = hashlib.sha256()
    for p in sorted((root / "aligner").rglob("*")):
        if p.is_file() and p.suffix in (".py", ".tsv"):
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def freeze(folder: str) -> None:
    """Copy aligner/ into `folder` and import it from there, here and in every subprocess."""
    global SNAPSHOT
    SNAPSHOT = Path(folder)
    shutil.copytree(ROOT / "aligner", SNAPSHOT / "aligner", ignore=shutil.ignore_patterns("__pycache__"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (folder, os.environ.get("PYTHONPATH"))))
    sys.path.insert(0, folder)
    where = _output([sys.executable, "-c", "import aligner; print(aligner.__file__)"]).strip()
    if not Path(where).is_relative_to(SNAPSHOT):
        raise SystemExit(f"the copy of aligner/ is not the one imported ({where})")


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def f(x, digits=3) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def spread_cells(s: dict, digits=3) -> str:
    return f"{f(s['median'], digits)} | {f(s['min'], digits)} | {f(s['max'], digits)}"


def targets(res: dict) -> list[tuple[str, str, str, bool | None]]:
    e2e = res["end_to_end"]["wall_s"]["median"]
    sc = res["scaling"]
    ours = {r["copies"]: r for r in sc["ours"]}
    big = ours.get(max(ours)) if ours else None
    rows = [("sample pair end to end, wall (median)", f"≤ {TARGETS['e2e_wall_s']} s", f"{e2e:.2f} s",
             e2e <= TARGETS["e2e_wall_s"])]
    if big:
        if "segments_per_s" in big:
            sps, ok = f"{big['segments_per_s']:,.0f}", big["segments_per_s"] >= TARGETS["segments_per_s"]
        elif "segments_per_s_upper_bound" in big:
            sps, ok = f"< {big['segments_per_s_upper_bound']:,.0f} ({big['killed']})", False
        else:
            sps, ok = f"not measured ({big['killed'] or big.get('error', '')[:60]})", False
        rows.append((f"segments/s, segmentation + alignment, {big['copies']}× document", "≥ 20,000", sps, ok))
        if big.get("encoder_s") and big.get("total_s"):
            enc = big["encoder_s"]
            rows.append((f"encoder's share, {big['copies']}× document", "(for information)",
                         f"{enc['zh']:.1f} s + {enc['ar']:.1f} s in the two processes, of {big['total_s']:.1f} s wall",
                         None))
    peaks = [("sample pair CLI", res["end_to_end"]["peak_rss_mb"]["max"])]
    peaks += [(f"{r['copies']}×" + (f", {r['killed']}" if r["killed"] else ""), r["peak_rss_mb"]) for r in sc["ours"]]
    worst = max(peaks, key=lambda p: p[1])
    stopped = [f"{r['copies']}×" for r in sc["ours"] if "total_s" not in r]
    ok = worst[1] < TARGETS["peak_rss_mb"]
    note = f"; the {', '.join(stopped)} run stopped early, so its peak is a lower bound" if stopped else ""
    rows.append(("peak RSS (largest of the CLI runs and our scaling runs)", f"< {TARGETS['peak_rss_mb'] / 1024:.1f} GB",
                 f"{worst[1]:,.0f} MB ({worst[0]}){note}", ok if ok is False or not stopped else None))
    for s in sc["slopes_ours"]:
        if s["slope"] is not None:
            val, ok = f"{s['slope']:.2f}", s["slope"] <= TARGETS["slope"]
        elif s.get("slope_lower_bound") is not None:
            val = f"≥ {s['slope_lower_bound']:.2f} (run stopped)"
            ok = False if s["slope_lower_bound"] > TARGETS["slope"] else None  # a bound under the target proves nothing
        else:
            val, ok = "not measured", None
        target = "≤ ~1.1" if s["to"] == 100 and s["from"] == 10 else "(for information)"
        rows.append((f"log-log slope of time, {s['from']}× → {s['to']}×", target, val,
                     ok if s["from"] == 10 and s["to"] == 100 else None))
    dt = res.get("displaced", {})
    if dt.get("rows"):
        rows.append(("UNPC dev, displaced / reading order, wall", "≤ 1.5×",
                     f"{dt['ratio']:.2f}×" if dt["ratio"] is not None else "not measured", dt["ratio"] is not None and dt["ratio"] <= 1.5))
        peak = max(r["peak_rss_mb"] for r in dt["rows"])
        rows.append(("UNPC dev, peak RSS (reading order and displaced)", "≤ 1 GB", f"{peak:,.0f} MB", peak <= 1024))
    for s in res["short_lines"]["slopes"]:
        rows.append((f"log-log slope of time, {s['from']:,} → {s['to']:,} short lines a side", f"≤ ~{TARGETS['slope']}",
                     f"{s['slope']:.2f}", s["slope"] <= TARGETS["slope"]))
    return rows


def render(res: dict) -> str:
    m, e, st, sc, im, pr = (res[k] for k in ("machine", "end_to_end", "stages", "scaling", "imports", "profile"))
    L = ["# Benchmark results", "",
         f"Generated by `make bench` (bench/run.py) on {m['date']}; commit {m['commit']}, "
         f"aligner/ as it was at the start (fingerprint {res['source_at_start']}), "
         "measured from a copy so that edits during the run do not mix in.", "",
         f"Machine: {m['nproc']} CPUs ({m['usable_cpus']} usable), {m['cpu'] or 'unknown CPU'}, Python {m['python']}, "
         f"{m['platform']}; load average (1, 5, 15 min) "
         f"{', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])} at the start, "
         f"{', '.join(f'{x:.2f}' for x in m.get('load_avg_at_end', ()))} at the end.",
         "Machines like this one are shared and noisy: quote the medians and the ratios to the baseline, "
         "which hold across machines better than absolute times.", "",
         *([f"Note: aligner/ in the working tree changed during the run (now {res['source_at_end']}); "
            "these figures are for the version at the start.", ""]
           if res["source_at_start"] != res["source_at_end"] else []),
         "## Targets (issues 8 and 13)", "", "| target | wanted | measured | verdict |", "|---|---|---|---|"]
    L += [f"| {a} | {b} | {c} | {verdict(d)} |" for a, b, c, d in targets(res)]
    seg = st["segments"]
    L += ["", "## 1. Sample pair S/PV.7050 end to end", "",
          f"`{e['command']}` as a subprocess, {e['wall_s']['runs']} run(s) after a warm-up; "
          f"{seg['zh']} + {seg['ar']} segments, {st['turns']['zh']} + {st['turns']['ar']} turns, "
          f"{st['beads']} beads.", "",
          "| figure | median | min | max |", "|---|---|---|---|",
          f"| wall time (s) | {spread_cells(e['wall_s'])} |",
          f"| CPU time, user + sys (s) | {spread_cells(e['cpu_s'])} |",
          f"| peak RSS (MB) | {spread_cells(e['peak_rss_mb'], 0)} |", "",
          "Stages, in-process with `time.perf_counter` around the library calls "
          f"({st['stages']['reading']['runs']} round(s) after a warm-up round), except start-up, a subprocess:", "",
          "| stage | median (s) | min (s) | max (s) | share of end-to-end median | CPU median (s) |",
          "|---|---|---|---|---|---|"]
    startup_name = "start-up / imports (`python -c \"import aligner.cli\"`)"
    rows = {startup_name: res["startup"]["wall_s"], **st["stages"]}
    cpus = {startup_name: res["startup"]["cpu_s"], **st["stages_cpu"]}
    wall, cpu_all = e["wall_s"]["median"], e["cpu_s"]["median"]
    for name, s in rows.items():
        L.append(f"| {name} | {spread_cells(s)} | {100 * s['median'] / wall:.0f} % | {f(cpus[name]['median'])} |")
    parts = [name for name in rows if "(inside" not in name]  # a row inside another is not added twice
    rest = wall - sum(rows[name]["median"] for name in parts)
    rest_cpu = cpu_all - sum(cpus[name]["median"] for name in parts)
    L += [f"| rest (CLI parsing, exit; difference of medians) | {rest:.3f} | | | {100 * rest / wall:.0f} % "
          f"| {rest_cpu:.3f} |", "",
          "When wall time is well above CPU time the machine was busy with other work: the CPU column "
          "(time.process_time in-process; user + sys of the subprocess) is then the steadier figure.", "",
          "Sentence alignment = align_documents(recover=False) − turn alignment (it includes building the "
          "pair context: anchor weights, length model). Recovery = align_documents(recover=True) − "
          "align_documents(recover=False). The check and segmentation+features run as the CLI runs them "
          "(aligner.align.prepare_pair): the Arabic prepared in a forked child while this process checks the "
          "pair and prepares the Chinese. One after the other, in one process, they take "
          + ", ".join(f"{k} {v['median']:.3f} s" for k, v in st["one_after_the_other"].items()) + ".", ""]
    L += ["## 2. Scaling", "",
          f"The sample pair repeated 1×, 10×, 100× (newline between copies), each size in a fresh subprocess; "
          f"time = prepare (both languages) + align_documents(recover=True), stages marked from inside the process. "
          f"Budget {sc['budget_s']:.0f} s per run, memory cap {sc['mem_cap_mb']:.0f} MB.", "",
          "| size | segments | prepare (s) | turns (s) | sentences (s) | recovery (s) | total (s) | segments/s "
          "| peak RSS (MB) | forked child's peak RSS (MB) | vs baseline (align only) |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sc["ours"]:
        s = r["stages_s"]
        if "total_s" in r:
            total, sps = f(r["total_s"], 2), f(r["segments_per_s"], 0)
        else:
            lb = r.get("total_s_lower_bound")
            why = r["killed"] or "failed"
            total = f"> {lb:.0f} ({why} in {r.get('stopped_during', '?')})" if lb else why
            sps = f"< {r['segments_per_s_upper_bound']:,.0f}" if "segments_per_s_upper_bound" in r else "–"
        ratio, bound = r.get("ratio_align_vs_baseline"), r.get("ratio_align_vs_baseline_lower_bound")
        ratio = f"{ratio:.1f}×" if ratio else f"> {bound:.1f}×" if bound else "–"
        if r.get("stopped_during") in ("prepare", "turns", "sentences", "recovery"):
            s = {**s, r["stopped_during"]: f"> {r['stopped_stage_s_lower_bound']:.0f} (stopped)"}
        L.append(f"| {r['copies']}× | {f(r.get('segments'))} | {f(s.get('prepare'), 2)} | {f(s.get('turns'), 2)} | "
                 f"{f(s.get('sentences'), 2)} | {f(s.get('recovery'), 2)} | {total} | {sps} | "
                 f"{r['peak_rss_mb']:,.0f} | {f(r.get('fork_child_peak_rss_mb'), 0)} | {ratio} |")
    L += ["", "The Arabic is prepared in a forked child (as the CLI does), which has ended before the "
          "alignment starts: the two peaks do not overlap. The child's RSS counts the pages it shares "
          "with its parent.", "", "Log-log slope of time against size (1.0 = linear):", "",
          "| sizes | total | prepare | turns | sentences | recovery |", "|---|---|---|---|---|---|"]
    for s in sc["slopes_ours"]:
        tot = f(s["slope"], 2) if s["slope"] is not None else (
            f"≥ {s['slope_lower_bound']:.2f} (stopped)" if s.get("slope_lower_bound") is not None else "–")
        g = s["stages"]
        L.append(f"| {s['from']}× → {s['to']}× | {tot} | {f(g.get('prepare'), 2)} | {f(g.get('turns'), 2)} | "
                 f"{f(g.get('sentences'), 2)} | {f(g.get('recovery'), 2)} |")
    if sc["ours"] and sc["ours"][0].get("rss_after_imports_mb"):
        L += ["", f"Peak RSS includes the interpreter, imports and lexicon: "
              f"{sc['ours'][0]['rss_after_imports_mb']:,.0f} MB before any document is read."]
    sl = res["short_lines"]
    L += ["", "## 2b. Many short lines", "",
          "`aligner align ZH AR -o OUT.tsv -q` as a subprocess on N numbered one-sentence paragraphs a side "
          "(`第N段。` / `الفقرة N.`, one a line, no blank line between: the reader takes them for one wrapped "
          f"paragraph), each size once; budget {sl['budget_s']:.0f} s.", "",
          "| lines a side | wall (s) | CPU, user + sys (s) | ms per line | peak RSS (MB) |", "|---|---|---|---|---|"]
    for r in sl["rows"]:
        wall = f"> {r['wall_s']:.0f} ({r['killed']})" if r["killed"] else f(r["wall_s"], 1)
        L.append(f"| {r['lines']:,} | {wall} | {f(r['cpu_s'], 1)} | {1000 * r['wall_s'] / r['lines']:.2f} | "
                 f"{r['peak_rss_mb']:,.0f} |")
    L += ["", *[f"Log-log slope of wall time, {s['from']:,} → {s['to']:,} lines: {s['slope']:.2f}." for s in sl["slopes"]]]
    dt = res.get("displaced", {})
    L += ["", "## 2c. Displaced text", ""]
    if "rows" in dt:
        L += ["`aligner align ZH AR -o OUT.jsonl -q --force` as a subprocess on the UNPC development set "
              "(4,000 pairs of 732 UN documents as one text), in reading order and with its Arabic displaced "
              "(bench/golddocs.displaced: pages of 12 paragraphs, on half of them the second column first).", "",
              "| Arabic | wall (s) | CPU, user + sys (s) | peak RSS (MB) |", "|---|---|---|---|"]
        L += [f"| {r['case']} | {f(r['wall_s'], 1)}{' (' + r['killed'] + ')' if r['killed'] else ''} | {f(r['cpu_s'], 1)} | "
              f"{r['peak_rss_mb']:,.0f} |" for r in dt["rows"]]
        if dt["ratio"] is not None:
            L += ["", f"Displaced / reading order, wall: {dt['ratio']:.2f}× (target ≤ 1.5×)."]
    else:
        L += [f"Skipped: {dt.get('skipped', 'not run')}."]
    L += ["", "## 3. Baseline: length-only Gale–Church", "",
          "bench/baseline.py: the classic DP (beads 1-1, 1-0, 0-1, 2-1, 1-2, 2-2 with the paper's priors; "
          "normal length model, c = ratio of total lengths, s² = 6.8; band of ±"
          f"{res['band']} segments around the diagonal) over the same segments from aligner.align.prepare, "
          "one whole document each side.", "",
          f"Sample pair, in-process, {st['baseline']['runs']} round(s) interleaved with ours:", "",
          "| | median (s) | min (s) | max (s) |", "|---|---|---|---|",
          f"| ours: align_documents(recover=True) | {spread_cells(st['align_documents'])} |",
          f"| ours: align_documents(recover=False) | {spread_cells(st['align_documents_monotone'])} |",
          f"| baseline: Gale–Church | {spread_cells(st['baseline'])} |",
          f"| **ratio ours / baseline** (recover=True, per round) | {spread_cells(st['ratio_full'], 1)} |",
          f"| ratio ours / baseline (recover=False, per round) | {spread_cells(st['ratio_monotone'], 1)} |", "",
          "At every size, in its own subprocess (prepare + Gale–Church):", "",
          "| size | segments | prepare (s) | align (s) | segments/s | peak RSS (MB) | path on band edge |",
          "|---|---|---|---|---|---|---|"]
    for r in sc["baseline"]:
        s = r["stages_s"]
        sps = f(r["segments_per_s"], 0) if "segments_per_s" in r else (r["killed"] or "failed")
        L.append(f"| {r['copies']}× | {f(r.get('segments'))} | {f(s.get('prepare'), 2)} | {f(s.get('align'), 2)} | "
                 f"{sps} | {r['peak_rss_mb']:,.0f} | {'yes' if r.get('touched_edge') else 'no'} |")
    heavy = "yes" if im["torch_or_transformers_imported"] else "no"
    L += ["", "## 4. Start-up", "",
          f"torch or transformers imported on the CLI path: **{heavy}**. "
          "`python -X importtime -c \"import aligner.cli\"`: "
          f"{f(im['aligner_cli_cumulative_ms'], 0)} ms cumulative for aligner.cli.", "",
          "Heaviest modules by their own import time:", "",
          "| module | self (ms) | cumulative (ms) |", "|---|---|---|"]
    L += [f"| {x['module']} | {x['self_ms']:.0f} | {x['cumulative_ms']:.0f} |" for x in im["top_self"]]
    L += ["", f"Heaviest packages (own import time of all their modules; all modules: {im['total_self_ms']:.0f} ms):",
          "", "| package | modules | self (ms) |", "|---|---|---|"]
    L += [f"| {x['package']} | {x['modules']} | {x['self_ms']:.0f} |" for x in im["top_packages"]]
    L += ["", "## 5. Profile", "",
          f"cProfile of align_documents(recover=True) on the sample pair "
          f"({pr['total_s']:.2f} s under the profiler).", ""]
    for title, key in (("By cumulative time", "by_cumulative"), ("By internal time", "by_internal")):
        L += [f"{title}:", "", "| function | calls | internal (s) | cumulative (s) |", "|---|---|---|---|"]
        L += [f"| `{x['function']}` | {x['calls']:,} | {x['tottime_s']:.3f} | {x['cumtime_s']:.3f} |" for x in pr[key]]
        L.append("")
    docs = res.get("documents", {})
    L += ["## 6. Reading PDF and DOCX", "",
          "The S/PV.7050 sample laid out by tests/documents.py with its body twice (a one-column cover, then two "
          "columns, a running head and footer on every page), read by `formats.extract` in-process.", ""]
    if "skipped" in docs:
        L.append(f"Skipped: {docs['skipped']}.")
    else:
        L += ["| file | pages | characters read | median (s) | min (s) | max (s) |", "|---|---|---|---|---|---|"]
        L += [f"| {name} | {d['pages'] or ''} | {d['chars']:,} | {spread_cells(d['seconds'])} |" for name, d in docs.items()]
    return "\n".join(L)


def documents(runs: int) -> dict:
    """Seconds to read the S/PV.7050 pair laid out twice over as PDF and DOCX (tests/documents.py)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import documents as layout  # the tests' generator: DOCX from the samples, PDF by LibreOffice

    from aligner import formats

    if layout.soffice() is None:
        return {"skipped": "LibreOffice (soffice) not installed: no PDF to read"}
    out = {}
    with tempfile.TemporaryDirectory(prefix="aligner-bench-docs-") as d:
        made = [layout.sample_docx(Path(d) / f"S_PV.7050_{lang}.docx", f"S_PV.7050_{lang}.txt", lang, cover="notice", repeat=2)
                for lang in ("zh", "ar")]
        for path in made + layout.to_pdf(made, Path(d)):
            data = path.read_bytes()
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                found = formats.extract(data, path.name)
                times.append(time.perf_counter() - t0)
            out[path.name] = {"pages": found.pages, "chars": len(found.text), "seconds": spread(times)}
    return out


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="counted runs after a warm-up (default 5)")
    ap.add_argument("--budget", type=float, default=600, help="seconds allowed to each scaling run (default 600)")
    ap.add_argument("--mem-cap-mb", type=float, default=8192, help="stop a scaling run above this RSS (default 8192)")
    ap.add_argument("--sizes", default="1,10,100", help="copies of the sample pair for scaling (default 1,10,100)")
    ap.add_argument("--short-lines", default="20000,200000",
                    help="sizes of the many-short-lines pair, lines a side (default 20000,200000; '' for none)")
    ap.add_argument("--band", type=int, default=50, help="half-width of the baseline's band (default 50)")
    ap.add_argument("--out", type=Path, default=BENCH, help="folder for results.md and results.json")
    ap.add_argument("--child", choices=("ours", "baseline"), help=argparse.SUPPRESS)
    ap.add_argument("--copies", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.copies, args.band)
    sizes = [int(x) for x in args.sizes.split(",")]
    snapshot = tempfile.TemporaryDirectory(prefix="aligner-bench-")
    freeze(snapshot.name)
    res = {"machine": machine(), "band": args.band, "targets": TARGETS, "source_at_start": source_hash(SNAPSHOT)}
    say("1. end to end ...")
    res["end_to_end"] = end_to_end(args.runs)
    res["startup"] = startup(args.runs)
    say("1. stages and 3. baseline, in-process ...")
    res["stages"] = stages(args.runs, args.band)
    say("4. imports ...")
    res["imports"] = imports()
    say("5. profile ...")
    res["profile"] = profile()
    say("6. reading PDF and DOCX ...")
    res["documents"] = documents(max(1, min(args.runs, 3)))
    say("2. scaling ...")
    res["scaling"] = scaling(sizes, args.band, args.budget, args.mem_cap_mb)
    say("2b. many short lines ...")
    res["short_lines"] = short_lines([int(x) for x in args.short_lines.split(",") if x], args.budget, args.mem_cap_mb)
    say("2c. displaced text ...")
    res["displaced"] = displaced_text(args.budget, args.mem_cap_mb)
    res["machine"]["load_avg_at_end"] = os.getloadavg()
    res["source_at_end"] = source_hash(ROOT)
    snapshot.cleanup()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "results.md").write_text(render(res) + "\n", encoding="utf-8")
    say(f"wrote {args.out / 'results.md'} and {args.out / 'results.json'}")
    for a, b, c, d in targets(res):
        say(f"  {a}: {c} (target {b}) {verdict(d).strip('*')}")


if __name__ == "__main__":
    main()
