import json, os, sys
s = {x["writer"]: x for x in json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "slices.json")))}
w = s[sys.argv[1]]
c = w["counts"]
print(f"""You are writer {w['writer']}. Read the brief at /work/writers/BRIEF.md (the only file outside your folder you may read), then do your assignment. Work only in /work/writers/{w['writer']}/ (create it). Do not open, list or search anything else under /work (do not even list /work/writers), and do not look at other writers' folders.

Your assignment:
- Write 200 posts, ids {w['writer']}-0001 to {w['writer']}-0200, in /work/writers/{w['writer']}/posts.jsonl.
- You post as: {w['role']} (most posts; a few may come from colleagues of other roles).
- Platforms: mostly {', '.join(w['platforms'])}; a few on any other allowed platform.
- Style: {' ; '.join(w['styles'])}. Vary it: not every post in this style.""" + ("""
- Language: every one of your 200 posts is written wholly in Spanish, whatever the style line says (vary the register, not the language); identifiers, labels and notes follow the brief as usual.""" if w.get("language") == "Spanish only" else "") + f"""
- At least 85 benign posts (labels {{}}), tempting look-alikes of the risky ones.
- At least these many posts per category (a post with two categories counts for both): privacy {c['privacy']} (about 55% block / 45% warn), boundaries {c['boundaries']}, conduct {c['conduct']}, misinformation {c['misinformation']}, disclosure {c['disclosure']}. Your emphasis is {w['emphasis']}: make those especially varied and subtle. At least 25 posts carry two or more categories.
- Cover these phenomena, in your own words and many forms:
""" + "\n".join("  - " + p for p in w["phenomena"]) + f"""
- Lengths from one-liners to long posts; at least 10 posts over 600 characters if your platforms allow.
- Label with the brief's guidelines; when unsure, decide as a compliance officer would and write the reason in `note`.
Finish with posts.jsonl valid (your checker reports 0 errors) and CARD.md written. Your final message: the path, the counts per category/severity, benign count, and identifier counts per type. Keep the final message short.""")
