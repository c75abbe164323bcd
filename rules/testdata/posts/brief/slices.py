import random, json
random.seed(20261203)
roles = ["physician (attending, various specialties)", "registered nurse", "pharmacist (retail and hospital)",
         "resident physician", "medical/nursing/pharmacy student", "dentist or dental hygienist",
         "therapist (physical, occupational, speech, or mental-health counsellor)", "paramedic/EMT",
         "dietitian", "technician (radiology, lab, surgical, pharmacy tech)"]
platforms = ["x", "facebook", "linkedin", "instagram", "youtube", "reddit", "threads", "bluesky"]
styles = ["clinical shorthand and abbreviations (pt, y/o, s/p, hx, rm, 30s F)",
          "sarcasm and dark humour", "emoji-heavy", "hashtag-heavy", "long LinkedIn-style prose (some posts 800-2800 characters)",
          "non-native English (grammar slips, literal idioms)", "Spanish (about a third of posts wholly in Spanish, some mixed)",
          "earnest, inspirational", "anonymous Reddit venting and replies", "replies and comment threads (@handle replies, YouTube comments)"]
phen = ["the patient is never called a patient (a neighbour cared for at work, a regular at the counter, a local public figure on the unit, 'he was mine', 'our unit took care of')",
        "encounter shorthand ('30s F', 'just admitted', bed/room shapes like '14B' or 'the corner room on 5 West', a unit plus a distinctive habit)",
        "identifiers tied to care (a first name plus a prescription ready for pick-up, a patient's billing account number, a device serial)",
        "advice to one person: @handle + diagnosis + dose; 'take an aspirin and go to the ER now'; offering to call in or supply a prescription",
        "inviting followers to post symptoms, photos or medication lists for triage ('send pics', 'drop your A1c below')",
        "contact with patients: following/friending patients or their families, dating-app matches with a patient, answering a former patient's late-night messages",
        "contempt or sarcasm about a patient or a group (mental illness, weight, insurance, gender identity, addiction, the elderly)",
        "intoxication in uniform or on call, endorsing a candidate in the employer's name, publicly accusing a named colleague, misstated credentials, sexual jokes about a patient",
        "misinformation phrased as personal experience or as a product claim, beyond the well-known tropes; telling a group to stop, skip or decline an evidence-based treatment",
        "one post with several problems (a patient story told with contempt; a cure claim with a shop link; advice to a named patient)",
        "a disclaimer followed by a story ('no names so it's fine', 'it's a private group', 'changed details lol')",
        "pasted identifier shapes with and without cue words: SSNs (dashes, spaces, dots, bare), payment cards, IPv4/IPv6, MAC addresses, passport and driver's licence numbers, bank account and routing numbers, NPI, DEA, Medicare MBI, ITIN, member IDs",
        "public replies to a relative or patient by @handle with an update on their care",
        "sponsored content without disclosure: PR boxes, discount codes, affiliate links, hosted trips, 'my friends at', speaker fees"]
emph = ["privacy", "privacy", "boundaries", "conduct", "misinformation", "disclosure", "privacy", "boundaries", "conduct", "misinformation"]
out = []
for i in range(1000):
    n = i + 1
    r = roles[i % 10]
    pl = [platforms[(i * 3) % 8], platforms[(i * 3 + 1) % 8], platforms[(i * 5 + 2) % 8]]
    pl = list(dict.fromkeys(pl))
    st = [styles[i % 10], styles[(i * 7 + 3) % 10]]
    st = list(dict.fromkeys(st))
    ph = random.sample(range(len(phen)), 5)
    for must in (9, 10):
        if must not in ph and random.random() < 0.5:
            ph.append(must)
    e = emph[(i * 3) % 10]
    counts = {"privacy": 45, "boundaries": 22, "conduct": 22, "misinformation": 20, "disclosure": 14}
    counts[e] += 14
    out.append({"writer": f"w{n:02d}", "role": r, "platforms": pl, "styles": st, "emphasis": e,
                "counts": counts, "phenomena": [phen[k] for k in ph]})
# Keep entries already handed to writers (w18 was edited by hand); append new ones.
old = json.load(open("slices.json"))
have = {x["writer"] for x in old}
json.dump(old + [x for x in out if x["writer"] not in have], open("slices.json", "w"), indent=1)
