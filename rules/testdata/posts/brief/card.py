#!/usr/bin/env python3
"""Prints the data card's tables for rules/testdata/posts: writers, split, counts.

Usage: python3 rules/testdata/posts/brief/card.py > /tmp/tables.md
"""
import collections, glob, json, os

here = os.path.dirname(os.path.abspath(__file__))
posts_dir = os.path.dirname(here)
slices = {s["writer"]: s for s in json.load(open(os.path.join(here, "slices.json")))}
dev = {l.strip() for l in open(os.path.join(posts_dir, "dev.txt")) if l.strip() and not l.startswith("#")}
cats = ["privacy", "boundaries", "conduct", "misinformation", "disclosure"]

rows, tot, plat, idents = [], collections.Counter(), collections.Counter(), collections.Counter()
nposts = nbenign = nmulti = 0
for f in sorted(glob.glob(os.path.join(posts_dir, "w*.jsonl"))):
    w = os.path.basename(f)[:-6]
    ps = [json.loads(l) for l in open(f) if l.strip()]
    c = collections.Counter()
    for p in ps:
        for k, v in p["labels"].items():
            c[k] += 1
            tot[k + "." + v] += 1
        plat[p["platform"]] += 1
        for i in p.get("identifiers", []):
            idents[i["type"]] += 1
        nbenign += not p["labels"]
        nmulti += len(p["labels"]) > 1
    nposts += len(ps)
    s = slices.get(w, {})
    split = "dev" if os.path.basename(f) in dev else "train"
    rows.append(f"| {w} | {split} | {s.get('role','')} | {', '.join(s.get('platforms', []))} | {'; '.join(x.split(' (')[0] for x in s.get('styles', []))} | {s.get('emphasis','')} | {len(ps)} | {sum(1 for p in ps if not p['labels'])} | " + " | ".join(str(c[k]) for k in cats) + " |")

print(f"{nposts} posts by {len(rows)} writers; {nbenign} benign ({100*nbenign/max(nposts,1):.0f}%), {nmulti} with two or more categories.\n")
print("| writer | split | role | platforms | style | emphasis | posts | benign | " + " | ".join(cats) + " |")
print("|" + "---|" * (8 + len(cats)))
print("\n".join(rows))
print("\n| category | warn | block |\n|---|---|---|")
for k in cats:
    print(f"| {k} | {tot[k + '.warn']} | {tot[k + '.block']} |")
print("\n| platform | posts |\n|---|---|")
for k, v in plat.most_common():
    print(f"| {k} | {v} |")
print("\n| identifier | spans |\n|---|---|")
for k, v in idents.most_common():
    print(f"| {k} | {v} |")
