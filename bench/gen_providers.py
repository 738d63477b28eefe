#!/usr/bin/env python3
"""Writes a copy of the example site with a provider listing of N rows.

    python3 bench/gen_providers.py --providers 2000 --out DIR [--seed 1]

The copy keeps everything of the repository's example site (site.toml,
content/, data/, branding/, templates/ if any) and its twelve fictional
providers; the rest are generated, deterministically from the seed, with
every column the schema declares (the exempt bid prices and scores too, so
the leak scan has real work). Everything generated is fictional: phone
numbers are Ofcom's drama numbers (01632 960xxx), addresses end in
"(fictional)", web addresses are under example.org.
"""

import argparse
import csv
import io
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

DISTRICTS = [
    "Ashford", "Canterbury", "Dartford", "Dover", "Folkestone and Hythe",
    "Gravesham", "Maidstone", "Sevenoaks", "Swale", "Thanet",
    "Tonbridge and Malling", "Tunbridge Wells",
]
TOWNS = {
    "Ashford": ("Ashford", "TN23"), "Canterbury": ("Canterbury", "CT1"),
    "Dartford": ("Dartford", "DA1"), "Dover": ("Dover", "CT16"),
    "Folkestone and Hythe": ("Folkestone", "CT20"), "Gravesham": ("Gravesend", "DA11"),
    "Maidstone": ("Maidstone", "ME14"), "Sevenoaks": ("Sevenoaks", "TN13"),
    "Swale": ("Sittingbourne", "ME10"), "Thanet": ("Margate", "CT9"),
    "Tonbridge and Malling": ("Tonbridge", "TN9"), "Tunbridge Wells": ("Tunbridge Wells", "TN1"),
}
FIRST = ["Oak", "Willow", "Harbour", "Meadow", "Chalk", "Orchard", "Kestrel", "Beacon",
         "Hazel", "Medway", "Downs", "Marsh", "Hawthorn", "Lantern", "Compass", "Saltwater",
         "Heron", "Bramble", "Sunrise", "Hillside", "Riverbank", "Poppy", "Fern", "Lighthouse"]
SECOND = ["Friends", "Makers", "Skills", "Pals", "Crafts", "Music", "Sports", "Garden",
          "Kitchen", "Digital", "Drama", "Walking", "Art", "Social", "Learning", "Active"]
THIRD = ["Club", "Group", "Hub", "Project", "Workshop", "Co-op", "Studio", "Centre",
         "Collective", "Circle"]
WHAT = [
    "Cooking together and learning to plan a weekly shop.",
    "Walks in the countryside and along the coast, in small groups.",
    "Arts and crafts sessions, with a show of work each term.",
    "Music and singing groups, and help to join a local choir.",
    "Gardening on a shared allotment, growing food to take home.",
    "Help to use a phone, a tablet and the internet safely.",
    "Sport and fitness sessions at a local leisure centre.",
    "Drama and film nights, with trips to the theatre.",
    "Practice in travelling on your own by bus and train.",
    "Help to get ready for work: volunteering, skills and interviews.",
    "Money skills: budgeting, paying bills and shopping.",
    "A friendly social club with games, quizzes and trips out.",
]
EXTRA = [
    "One to one or in small groups.",
    "Weekly video calls for people who would rather stay at home.",
    "Sessions in the day and some evenings.",
    "Carers are welcome to come along.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TIMES = ["10am to 3pm", "9.30am to 3.30pm", "1pm to 4pm", "6pm to 8pm", "10am to 12 noon"]
PARKING = ["Free parking on the street.", "Car park with 2 blue badge spaces.",
           "No parking; a bus stop is outside.", "Pay and display car park nearby."]
COST = ["Nothing for the activities. You pay for your own food and tickets on trips.",
        "Nothing. Bring a packed lunch if you want one.",
        "Nothing for the sessions. Materials for what you make are provided.",
        "Nothing for the support. Entry to the leisure centre is paid by the council."]


def provider(rng, i, names):
    # A name of words only, each used once: a number in a public name can
    # meet an exempt figure's digits (the leak scan would rightly stop it).
    while True:
        words = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(THIRD)}"
        if len(names) >= len(FIRST) * len(SECOND) * len(THIRD):
            words += f" of {rng.choice(DISTRICTS)}"
        if words not in names:
            names.add(words)
            break
    name = f"{words} (fictional)"
    slug = words.lower().replace(" ", "-")
    lots = sorted(rng.sample(["1a", "1b", "2"], rng.choice([1, 1, 1, 2])))
    districts = sorted(rng.sample(DISTRICTS, rng.choice([1, 1, 2, 2, 3])), key=DISTRICTS.index)
    # Lot 1b is building-based: in person only. A quarter of the others work online too.
    if "1b" in lots:
        delivery = ["In person"]
    else:
        delivery = rng.choice([["In person"]] * 6 + [["In person", "Online"]] * 2 + [["Online"]])
    ages = rng.choice([["18 to 25"], ["26 and over"], ["18 to 25", "26 and over"],
                       ["18 to 25", "26 and over"]])
    days = sorted(rng.sample(DAYS, rng.randint(1, 5)), key=DAYS.index)
    place = delivery != ["Online"]
    town, area = TOWNS[districts[0]]
    return {
        "id": f"P{i:04d}",
        "name": name,
        "lots": ";".join(lots),
        "districts": ";".join(districts),
        "delivery": ";".join(delivery),
        "age_groups": ";".join(ages),
        "activities": f"{rng.choice(WHAT)} {rng.choice(EXTRA)}",
        "phone": f"01632 960{i % 1000:03d}",
        "email": f"hello@{slug}.example.org",
        "website": f"https://{slug}.example.org/",
        "days": ";".join(days),
        "opening_times": rng.choice(TIMES),
        "address": f"{rng.choice(FIRST)} Hall, {town} (fictional)" if place else "",
        "postcode": f"{area} 9ZZ" if place else "",
        "step_free_access": rng.choice(["true", "false"]) if place else "",
        "accessible_toilet": rng.choice(["true", "false"]) if place else "",
        "hearing_loop": rng.choice(["true", "false"]) if place else "",
        "parking": rng.choice(PARKING) if place else "",
        "cost_to_person": rng.choice(COST),
        # Exempt (Schedule 12A paragraph 3): generated so that the build's
        # withholding and leak scan have values to keep out.
        # Pounds of three figures, never whole: the leak scan reads a price
        # as its words ("87.07" is "87" then "07") and finds them side by
        # side anywhere, even in Pagefind's WebAssembly (a price of 87.07
        # stopped a build so; see the README's Performance section).
        "day_rate": f"{rng.randint(100, 160)}.{rng.randint(1, 99):02d}",
        "evaluation_score": str(rng.randint(50, 99)),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--providers", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(REPO / "site.toml", out / "site.toml")
    for folder in ["content", "data", "branding", "templates"]:
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, out / folder)
    path = out / "data" / "providers.csv"
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        rows = list(reader)
    names = set()
    for i in range(len(rows) + 1, args.providers + 1):
        row = provider(rng, i, names)
        missing = set(columns) ^ set(row)
        if missing:
            raise SystemExit(f"the generator and data/providers.csv disagree on columns: {sorted(missing)}")
        rows.append(row)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows[: args.providers])
    path.write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {min(len(rows), args.providers)} providers into {path}")


if __name__ == "__main__":
    main()
