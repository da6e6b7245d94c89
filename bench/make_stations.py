"""Write a deterministic, realistic polling-station CSV and the matching kzvote results file.

    python bench/make_stations.py N --seed S [--out DIR] [--plant KIND ...] [--gzip]

Writes DIR/stations.csv (one protocol per station; DIR/stations.csv.gz with --gzip) and DIR/results.yaml (`stations: stations.csv`),
whose regional and national totals are the exact roll-up of the stations, and DIR/planted.json
listing every planted fault. Regions differ in size, turnout and candidate support; station sizes
vary; the optional protocol columns (ballots_received, ballots_cancelled, ballots_in_boxes) balance.

Faults (--plant, repeatable):
  unbalanced    one protocol where valid + invalid != ballots in boxes
  duplicate     one station id used twice (the second row copies another station's id)
  region-digit  one region's ballots_cast total in results.yaml off by one digit
  swapped       one protocol with registered and ballots_cast swapped (turnout over 100%)

Forensic plants (for `kzvote forensics`; every protocol relation still holds, totals still roll up):
  turnout-5     K stations moved up to the next multiple of 5 % turnout, the extra ballots all for
                the winner (K: --plant-count, default N/20)
  share-5       in one region, 60 % of the stations have the winner's share moved up to the next
                multiple of 5 %, votes taken from the other candidates
Plants draw from their own random stream: a file without them is the same file as before.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

CANDIDATES = ["Aigerim Bekova", "Daniyar Omarov", "Elena Sokolova", "Marat Zhunusov", "Olga Petrova"]
REGIONS = [
    "Abai",
    "Akmola",
    "Aktobe",
    "Almaty City",
    "Almaty Region",
    "Astana",
    "Atyrau",
    "East Kazakhstan",
    "Jambyl",
    "Jetisu",
    "Karaganda",
    "Kostanay",
    "Kyzylorda",
    "Mangystau",
    "North Kazakhstan",
    "Pavlodar",
    "Shymkent",
    "Turkistan",
    "Ulytau",
    "West Kazakhstan",
]
FAULTS = ("unbalanced", "duplicate", "region-digit", "swapped", "turnout-5", "share-5")
SHARE_PLANT_RATE = 0.6  # of the stations of the share-5 region
COLUMNS = [
    "station",
    "region",
    "registered",
    "ballots_received",
    "ballots_cast",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid_ballots",
    *CANDIDATES,
    "against_all",
]


def percent(part: int, whole: int) -> str:
    value = Fraction(part * 100, whole) if whole else Fraction(0)
    scaled = int(value * 100 + Fraction(1, 2))
    return f"{scaled // 100}.{scaled % 100:02d}"


def split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """total votes shared out by weights, with noise, summing exactly to total."""
    noisy = [w * rng.uniform(0.7, 1.3) for w in weights]
    scale = total / sum(noisy)
    parts = [int(w * scale) for w in noisy]
    parts[0] += total - sum(parts)
    return parts


def at_next_multiple_of_5(part: int, whole: int, most: int) -> int | None:
    """The smallest count >= part whose percentage of whole is within 0.05 pp of a multiple of 5
    above part's own (at most 95 %), if one is reachable without passing most."""
    multiple = (100 * part) // whole // 5 * 5 + 5
    while multiple <= 95:
        count = max(part, -(-(20 * multiple - 1) * whole // 2000))  # the window's first count
        if 2000 * count <= (20 * multiple + 1) * whole and count <= most:
            return count
        multiple += 5
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of stations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--plant", action="append", choices=FAULTS, default=[])
    parser.add_argument("--gzip", action="store_true", help="write stations.csv.gz, as real data often ships")
    parser.add_argument("--plant-count", type=int, default=0, help="stations moved by turnout-5 (default: N/20)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    regions = REGIONS[: max(1, min(len(REGIONS), args.n // 5 or 1))]
    size = {r: rng.uniform(0.5, 2.0) for r in regions}
    turnout = {r: rng.uniform(0.55, 0.85) for r in regions}
    support = {r: [rng.uniform(0.5, 1.5) * w for w in (8.0, 2.0, 1.5, 1.0, 0.8, 0.6)] for r in regions}
    names = list(COLUMNS[8:])
    totals = {r: dict.fromkeys(["stations", "registered", "ballots_cast", "invalid_ballots", *names], 0) for r in regions}
    plant_rows = {fault: rng.randrange(2, args.n) for fault in args.plant if fault in ("unbalanced", "duplicate", "swapped")}
    forensic = random.Random(f"{args.seed}-forensic")  # its own stream: plants leave the rest of the file as it was
    turnout_rows = set(forensic.sample(range(args.n), min(args.n, args.plant_count or max(1, args.n // 20)))) if "turnout-5" in args.plant else set()
    share_region = forensic.choice(regions) if "share-5" in args.plant else None
    planted: list[dict[str, object]] = []
    first_ids: list[str] = []
    csv_name = "stations.csv.gz" if args.gzip else "stations.csv"
    opener = gzip.open if args.gzip else open
    with opener(args.out / csv_name, "wt", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        for index in range(args.n):
            row_number = index + 2  # the header is line 1
            region = regions[index % len(regions)] if index < len(regions) else rng.choice(regions)
            station = f"{regions.index(region) + 1:02d}-{index + 1:07d}"
            registered = max(50, int(rng.lognormvariate(7.0, 0.5) * size[region]))
            cast = min(registered, int(registered * min(0.99, max(0.2, rng.gauss(turnout[region], 0.06)))))
            invalid = int(cast * rng.uniform(0.0, 0.03))
            votes = split(rng, cast - invalid, support[region])
            cancelled = rng.randrange(0, 40)
            received = cast + cancelled
            in_boxes = cast
            if plant_rows.get("duplicate") == row_number and first_ids:
                station = first_ids[rng.randrange(len(first_ids))]
                planted.append({"fault": "duplicate", "row": row_number, "station": station, "code": "KZ802"})
            if plant_rows.get("unbalanced") == row_number:
                votes[0] += 7  # the protocol no longer balances: 7 more valid votes than ballots
                planted.append({"fault": "unbalanced", "row": row_number, "station": station, "code": "KZ803"})
            written_registered, written_cast = registered, cast
            if plant_rows.get("swapped") == row_number and registered != cast:
                written_registered, written_cast = cast, registered  # two cells swapped, nothing else
                planted.append({"fault": "swapped", "row": row_number, "station": station, "code": "KZ809"})
            eligible = registered >= 100  # the forensic tests leave smaller stations out: a plant there would not be one
            if index in turnout_rows and eligible:
                count = at_next_multiple_of_5(cast, registered, registered)
                if count is not None:  # extra ballots, all for the winner: cast, in boxes and received follow
                    votes[0] += count - cast
                    cast = in_boxes = written_cast = count
                    received = cast + cancelled
                    planted.append({"fault": "turnout-5", "row": row_number, "station": station, "region": region, "turnout": percent(cast, registered)})
            if region == share_region and forensic.random() < SHARE_PLANT_RATE and eligible:
                count = at_next_multiple_of_5(votes[0], in_boxes, sum(votes))
                if count is not None:  # votes moved to the winner from the others, largest first
                    needed = count - votes[0]
                    for other in sorted(range(1, len(votes)), key=lambda i: -votes[i]):
                        taken = min(needed, votes[other])
                        votes[other] -= taken
                        needed -= taken
                    votes[0] = count
                    planted.append({"fault": "share-5", "row": row_number, "station": station, "region": region, "share": percent(votes[0], in_boxes)})
            if len(first_ids) < 1000:
                first_ids.append(station)
            out.write(f"{station},{region},{written_registered},{received},{written_cast},{cancelled},{in_boxes},{invalid}," + ",".join(map(str, votes)) + "\n")
            t = totals[region]
            t["stations"] += 1
            t["registered"] += written_registered
            t["ballots_cast"] += written_cast
            t["invalid_ballots"] += invalid
            for name, v in zip(names, votes):
                t[name] += v
    national = {key: sum(t[key] for t in totals.values()) for key in next(iter(totals.values()))}
    if "region-digit" in args.plant:
        region = rng.choice(regions)
        true = totals[region]["ballots_cast"]
        digits = str(true)
        wrong = int(digits[:-2] + str((int(digits[-2]) + 1) % 10) + digits[-1])
        totals[region] = totals[region] | {"ballots_cast": wrong, "_true_cast": true}
        planted.append({"fault": "region-digit", "region": region, "figure": "ballots_cast", "true": true, "written": wrong, "code": "KZ811"})
    write_results(args.out / "results.yaml", regions, totals, national, args)
    (args.out / "planted.json").write_text(json.dumps(planted, indent=2) + "\n")
    print(f"wrote {args.n} stations to {args.out / csv_name}; planted: {dict(Counter(str(p['fault']) for p in planted)) or 'nothing'}", file=sys.stderr)
    return 0


def write_results(path: Path, regions: list[str], totals: dict, national: dict, args: argparse.Namespace) -> None:
    valid = sum(national[name] for name in COLUMNS[8:])
    lines = [
        f"# Synthetic election: {args.n} stations, seed {args.seed}, made by bench/make_stations.py",
        "format: kzvote/1",
        "election:",
        "  title: Synthetic general election",
        "  country: Nowhere",
        "  date: 2024-03-10",
        "  stage: final",
        "  percent_of: valid",
        "turnout:",
        f"  registered: {national['registered']}",
        f"  ballots_cast: {national['ballots_cast']}",
        f"  invalid_ballots: {national['invalid_ballots']}",
        f"  turnout_percent: {percent(national['ballots_cast'], national['registered'])}",
        f"  polling_stations: {national['stations']}",
        "candidates:",
    ]
    for name in CANDIDATES:
        lines += [f"  - name: {name}", f"    votes: {national[name]}", f"    percent: {percent(national[name], valid)}"]
    lines += ["against_all:", f"  votes: {national['against_all']}", f"  percent: {percent(national['against_all'], valid)}", "regions:"]
    for region in regions:
        t = totals[region]
        true_cast = t.get("_true_cast", t["ballots_cast"])
        lines += [
            f"  - name: {region}",
            f"    registered: {t['registered']}",
            f"    ballots_cast: {t['ballots_cast']}",
            f"    invalid_ballots: {t['invalid_ballots']}",
            f"    turnout_percent: {percent(true_cast, t['registered'])}",
            f"    polling_stations: {t['stations']}",
            "    votes:",
        ]
        lines += [f"      {name}: {t[name]}" for name in COLUMNS[8:]]
    lines.append(f"stations: {'stations.csv.gz' if args.gzip else 'stations.csv'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
