#!/usr/bin/env python3
"""Leave-one-theme-out table from the candidates bench/score.sh wrote.

  loto.py THEMES_DIR CANDIDATE_DIR TEXT_DIR FOLDS [--min-confidence X]

FOLDS is "a,b,c;d,e;..." (themes held back per fold).  For each fold it prints
the scorer's micro-averaged totals over the held-back themes' documents
(check) and over the rest (tune), each held-back theme's work F1, and the
names that are not in the text.  Entries below --min-confidence are dropped
first (what the profile merge takes as facts).  Uses THEMES_DIR/score_resume.py.
"""
import argparse
import json
import sys
sys.dont_write_bytecode = True
from pathlib import Path


def theme_of(doc_id):
    base = doc_id[:-5] if doc_id.endswith("_docx") else doc_id
    return base[3:].split("_", 1)[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("themes")
    ap.add_argument("candidates")
    ap.add_argument("texts")
    ap.add_argument("folds")
    ap.add_argument("--min-confidence", type=float, default=0.0)
    a = ap.parse_args()
    here = Path(a.themes)
    sys.path.insert(0, str(here))
    import score_resume as sr  # noqa: E402

    scores = {}
    for g in sorted((here / "ground_truth").glob("rt_*.gt.json")):
        doc_id = g.name[: -len(".gt.json")]
        c = Path(a.candidates) / f"{doc_id}.json"
        if not c.exists():
            continue
        cand = sr.load(c)
        for sec in ("work_experience", "education"):
            cand[sec] = [e for e in cand.get(sec) or []
                         if (e.get("confidence") if e.get("confidence") is not None else 1) >= a.min_confidence]
        t = Path(a.texts) / f"{doc_id}.txt"
        scores[doc_id] = sr.score_document(sr.load(g), cand, t.read_text(errors="replace") if t.exists() else None)

    def line(name, ids):
        tot = sr.add_up(scores[i] for i in ids)
        m = sr.metrics(tot)
        h = m["hallucinations"]
        return (f"{name:34} {len(ids):4}  {sr.fmt(m['work']['precision'])} {sr.fmt(m['work']['recall'])} "
                f"{sr.fmt(m['work']['f1'])}  {sr.fmt(m['work_dates']['start_end'])}   "
                f"{sr.fmt(m['education']['f1'])}    {sr.fmt(m['skills']['f1'])}     {sr.fmt(m['contact'])}   "
                f"{'-' if h is None else h:>4}")

    print(f"{'fold (held-back themes)':34} docs  work P    R    F1   dates s+e  edu F1  skills F1  contact  hall")
    worst = []
    allheld = []
    for k, fold in enumerate(x for x in a.folds.split(";") if x):
        held = set(fold.split(","))
        check = [i for i in scores if theme_of(i) in held]
        tune = [i for i in scores if theme_of(i) not in held]
        allheld += check
        print(line(f"{k + 1} check {fold}", check))
        print(line(f"{k + 1} tune (other themes)", tune))
        for th in sorted(held):
            ids = [i for i in check if theme_of(i) == th]
            m = sr.metrics(sr.add_up(scores[i] for i in ids))
            worst.append((m["work"]["f1"] or 0.0, th))
            print(f"    held back {th:20} {len(ids):3} docs  work F1 {sr.fmt(m['work']['f1'])}")
    print(line("ALL held-back documents", allheld))
    worst.sort()
    print("lowest held-back theme work F1: " + ", ".join(f"{t} {f:.2f}" for f, t in worst[:3]))
    for i in allheld:
        if scores[i]["hallucinations"]:
            print(f"hallucinated in {i}: " + "; ".join(scores[i]["hallucinations"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
