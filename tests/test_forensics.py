"""kzvote forensics: the arithmetic of the integer test (against brute force), the digit tests,
the planted anomalies the generator makes, every format through the CLI, and real data."""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from conftest import ROOT, SHARED
from kzvote.forensics import digits, integers

Run = Callable[..., Result]
RU2018 = SHARED / "data" / "ru2018-stations.csv.gz"
RU2024 = SHARED / "data" / "ru2024-stations-cis.csv.gz"
HEADER = "station,region,registered,ballots_cast,invalid_ballots,Ann,Bob\n"


# -- the arithmetic ----------------------------------------------------------------------------


def brute_force(k: int, n: int, lattice: int, exact: bool) -> float:
    """P(100·K/n lands on the lattice), K ~ Binomial(n, k/n), by every count, in exact fractions."""
    p = Fraction(k, n)
    total = Fraction(0)
    for count in range(n + 1):
        percent = Fraction(100 * count, n)
        nearest = math.floor(percent + Fraction(1, 2))
        on = percent == nearest if exact else abs(percent - nearest) <= Fraction(1, 20)
        if on and nearest % lattice == 0:
            total += math.comb(n, count) * p**count * (1 - p) ** (n - count)
    return float(total)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))))
def test_the_null_is_the_sum_of_binomial_probabilities(pair: tuple[int, int]) -> None:
    k, n = pair
    null = integers.null(np.array([k]), np.array([n]), np)
    for lattice in integers.LATTICES:
        for exact in (False, True):
            expected = brute_force(k, n, lattice, exact)
            got = float((null.exactly if exact else null.within)[lattice][0])
            assert got == pytest.approx(expected, abs=1e-6), (k, n, lattice, exact)  # TAIL_SD: within 1e-6 a station


def brute_force_large(k: int, n: int, lattice: int, exact: bool) -> float:
    """brute_force for large n: every count's probability from log-gamma, its window by integers."""
    p = k / n
    total = 0.0
    for count in range(n + 1):
        nearest = (200 * count + n) // (2 * n)
        on = 100 * count == nearest * n if exact else abs(2000 * count - 20 * nearest * n) <= n
        if on and nearest % lattice == 0:
            if p in (0.0, 1.0):
                total += float(count == k)
                continue
            log = math.lgamma(n + 1) - math.lgamma(count + 1) - math.lgamma(n - count + 1) + count * math.log(p) + (n - count) * math.log1p(-p)
            total += math.exp(log)
    return total


@pytest.mark.parametrize(("k", "n"), [(2, 4000), (3990, 4000), (4500, 9001), (9000, 9001), (1, 12_345), (6100, 12_345), (999, 1000), (2001, 2001)])
def test_the_null_of_wide_windows_at_the_edges(k: int, n: int) -> None:
    """Windows of several counts (n >= 1000), cut at 0 % and at 100 %."""
    null = integers.null(np.array([k, 700]), np.array([n, 1500]), np)
    for lattice in integers.LATTICES:
        for exact in (False, True):
            got = float((null.exactly if exact else null.within)[lattice][0])
            assert got == pytest.approx(brute_force_large(k, n, lattice, exact), abs=1e-6), (lattice, exact)


def test_the_null_of_larger_stations_and_by_percent() -> None:
    pairs = [(612, 1000), (1357, 2222), (2990, 3000), (0, 500), (500, 500), (1, 3001)]
    k, n = (np.array(column) for column in zip(*pairs))
    null = integers.null(k, n, np)
    for index, (count, size) in enumerate(pairs):
        assert float(null.within[1][index]) == pytest.approx(brute_force(count, size, 1, False), abs=1e-6)
        assert float(null.exactly[5][index]) == pytest.approx(brute_force(count, size, 5, True), abs=1e-6)
    assert float(null.by_percent.sum()) == pytest.approx(float(null.within[1].sum()), rel=1e-6)  # within[1]: float32, to 1e-7


@pytest.mark.parametrize(
    ("k", "n", "within", "exactly", "nearest"),
    [
        (1001, 2000, True, False, 50),  # 50.05 %: the window's edge is in it
        (1002, 2000, False, False, 50),  # 50.10 %
        (999, 2000, True, False, 50),  # 49.95 %
        (101, 200, False, False, 51),  # 50.5 %: half up, and no whole percent near
        (1, 3, False, False, 33),  # 33.33…
        (37, 100, True, True, 37),  # a 100-voter station is always whole
        (2, 3, False, False, 67),
        (20001, 40000, True, False, 50),  # 50.0025 %
    ],
)
def test_where_a_percentage_lands_is_integer_arithmetic(k: int, n: int, within: bool, exactly: bool, nearest: int) -> None:
    landed = integers.landed(np.array([k]), np.array([n]), np)
    assert (bool(landed.within[0]), bool(landed.exactly[0]), int(landed.nearest[0])) == (within, exactly, nearest)


def test_chi_square_survival_matches_the_tables() -> None:
    # critical values from any chi-square table: (x, df, upper tail)
    for x, df, tail in [(16.919, 9, 0.05), (21.666, 9, 0.01), (3.841, 1, 0.05), (5.991, 2, 0.05), (7.815, 3, 0.05), (2.088, 9, 0.99)]:
        assert digits.chi_square_survival(x, df) == pytest.approx(tail, abs=2e-4)
    assert digits.chi_square_survival(0, 9) == 1.0


def test_digit_tests() -> None:
    assert sum(digits.benford_second()) == pytest.approx(1.0)
    assert digits.benford_second()[0] == pytest.approx(0.11968, abs=1e-5)
    uniform = digits.digit_test("x", "last", digits.last_digit_counts(np.arange(10, 10_010), np))
    assert uniform.counts == [1000] * 10 and uniform.chi_square == 0 and uniform.p_value == 1.0
    fives = digits.digit_test("x", "last", digits.last_digit_counts(np.array([15, 25, 35, 45, 1, 2]), np))  # below 10: left out
    assert fives.total == 4 and fives.at_digit == 5 and fives.largest_deviation_pp == pytest.approx(90.0)
    second = digits.second_digit_counts(np.array([12, 123, 1234, 98765, 5, 10]), np)
    assert second.tolist() == [1, 0, 3, 0, 0, 0, 0, 0, 1, 0]  # 10, then 12 123 1234, then 98765
    benford = digits.digit_test("x", "second", [round(10_000 * share) for share in digits.benford_second()])
    assert benford.chi_square == pytest.approx(0, abs=0.01) and benford.p_value == pytest.approx(1.0)


# -- planted anomalies (bench/make_stations.py) -----------------------------------------------


def make(tmp_path: Path, *plants: str, n: int = 4000, seed: int = 5) -> tuple[Path, list[dict[str, object]]]:
    args = [sys.executable, str(ROOT / "bench" / "make_stations.py"), str(n), "--seed", str(seed), "--out", str(tmp_path)]
    for plant in plants:
        args += ["--plant", plant]
    subprocess.run(args, check=True, capture_output=True)
    return tmp_path / "results.yaml", json.loads((tmp_path / "planted.json").read_text())


def run_json(cli: Run, *args: object) -> tuple[int, dict]:
    result = cli("forensics", *map(str, args), "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def signals(doc: dict) -> dict[str, dict]:
    return {f["figures"]["test"]: f for f in doc["findings"] if f["code"] == "KZ951"}


def regions(doc: dict) -> list[str]:
    return [f["figures"]["region"] for f in doc["findings"] if f["code"] == "KZ952"]


@pytest.mark.parametrize("seed", [5, 11])
def test_a_clean_file_gives_no_signal_and_no_region(cli: Run, tmp_path: Path, seed: int) -> None:
    results, _ = make(tmp_path, seed=seed)
    code, doc = run_json(cli, results)
    assert code == 0
    assert signals(doc) == {} and regions(doc) == []
    assert all(t["verdict"] == "info" for t in doc["tests"])


def test_the_turnout_plant_gives_the_turnout_signal_only(cli: Run, tmp_path: Path) -> None:
    results, planted = make(tmp_path, "turnout-5")
    assert len(planted) > 150
    code, doc = run_json(cli, results)
    assert code == 0  # signals never fail a run by themselves
    assert set(signals(doc)) == {"turnout:whole:within-0.05pp"}
    listed = set(signals(doc)["turnout:whole:within-0.05pp"]["figures"]["stations"])
    assert {p["station"] for p in planted} <= listed
    assert regions(doc) == []  # spread over every region, no one region stands out


def test_the_share_plant_gives_the_share_signal_and_names_its_region(cli: Run, tmp_path: Path) -> None:
    results, planted = make(tmp_path, "share-5", n=5000)
    region = {p["region"] for p in planted}
    assert len(region) == 1 and len(planted) > 60
    code, doc = run_json(cli, results)
    assert set(signals(doc)) == {"winner-share:whole:within-0.05pp"}
    assert regions(doc) == list(region)
    in_region = next(f for f in doc["findings"] if f["code"] == "KZ952")
    assert {p["station"] for p in planted} <= set(in_region["figures"]["stations"])
    assert {p["station"] for p in planted} <= set(signals(doc)["winner-share:whole:within-0.05pp"]["figures"]["stations"])
    assert cli("forensics", str(results), "--fail-on-signal", "--format", "text").exit_code == 1


def test_the_plants_keep_every_protocol_relation(cli: Run, tmp_path: Path) -> None:
    results, _ = make(tmp_path, "turnout-5", "share-5", n=1500)
    audited = cli("audit", str(results), "--format", "json")
    assert audited.exit_code == 0, audited.stdout[-2000:]


# -- the command, every format ----------------------------------------------------------------


def stations_csv(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def small_rows(count: int = 300) -> list[str]:
    rows = []
    for index in range(count):
        registered = 500 + 7 * index
        cast = registered * 3 // 5 + index % 13
        ann = cast * 2 // 3 - index % 7
        rows.append(f"S{index},R{index % 3},{registered},{cast},3,{ann},{cast - 3 - ann}")
    return rows


def test_a_csv_alone_every_column_not_a_protocol_column_is_a_choice(cli: Run, tmp_path: Path) -> None:
    path = stations_csv(tmp_path, small_rows())
    for args in (["--stations", str(path)], [str(path)]):
        code, doc = run_json(cli, *args)
        assert code == 0
        assert doc["facts"]["winner"].startswith("Ann (")
        assert {t["test"] for t in doc["tests"]} >= {"turnout:whole:within-0.05pp", "winner-share:x5:exact", "either:x10:within-0.05pp", "last-digit:winner"}
        assert len([t for t in doc["tests"] if t["method"].startswith("integer")]) == 18
    code, doc = run_json(cli, path, "--winner", "bob")
    assert doc["facts"]["winner"].startswith("Bob (")


def test_an_unknown_winner_is_a_usage_error(cli: Run, tmp_path: Path) -> None:
    result = cli("forensics", str(stations_csv(tmp_path, small_rows())), "--winner", "Anne")
    assert result.exit_code == 2
    assert "'Anne' is not a choice" in result.output and "Ann" in result.output


def test_rows_without_a_protocol_are_left_out_and_counted(cli: Run, tmp_path: Path) -> None:
    rows = small_rows()
    rows[10] = "S10,R1,,,,,"
    rows[20] = "S20,R2, , ,,,"
    code, doc = run_json(cli, stations_csv(tmp_path, rows))
    assert code == 0
    assert "298 read, 2 without a protocol" in doc["facts"]["stations"]
    assert doc["findings"] == [] or all(f["code"].startswith("KZ95") for f in doc["findings"])


def test_unreadable_rows_are_left_out_counted_and_located(cli: Run, tmp_path: Path) -> None:
    rows = small_rows()
    rows[5] = "S5,R2,900,-4,3,100,200"
    rows[6] = "S6,R2,900"
    code, doc = run_json(cli, stations_csv(tmp_path, rows))
    assert code == 1  # a bad row is an error, as in kzvote audit
    assert "2 unreadable" in doc["facts"]["stations"]
    located = {(f["code"], f["line"]) for f in doc["findings"]}
    assert {("KZ801", 7), ("KZ808", 8)} <= located


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("station,region,registered,ballots_cast,invalid_ballots\n", "no choice columns"),
        ("station,region,registered,invalid_ballots,Ann\n", "missing column(s): ballots_cast"),
        ("station,region,registered,ballots_cast,Ann\n", "ballots_in_boxes or invalid_ballots"),
        ("station,region,registered,ballots_cast,invalid_ballots,Ann,Ann\n", "column 'Ann' again"),
        ("station,region,registered,ballots_cast,invalid_ballots,,Ann\n", "an empty column name"),
    ],
)
def test_a_header_that_cannot_be_read_is_bad_input(cli: Run, tmp_path: Path, header: str, message: str) -> None:
    result = cli("forensics", str(stations_csv(tmp_path, [], header=header)), "--format", "text")
    assert result.exit_code == 2 and message in result.output
    assert ":1:" in result.output  # located on the header line


def test_every_format(cli: Run, tmp_path: Path) -> None:
    results, _ = make(tmp_path, "turnout-5", n=2500)
    table = cli("forensics", str(results))
    assert table.exit_code == 0
    assert "statistical patterns, not findings of fraud" in table.stdout
    for text in ("Fingerprint", "Stations by turnout, 0.1 pp bins", "Largest peaks", "SIGNAL", "KZ951"):
        assert text in table.stdout
    assert table.stdout.isascii() or all(ord(c) < 0x2500 or c in "─│┤└┬" for c in table.stdout if not c.isascii()), "pictures are ASCII off a terminal"
    markdown = cli("forensics", str(results), "--format", "markdown").stdout
    assert "```text" in markdown and "| turnout | whole % | ±0.05 pp |" in markdown
    rows = list(csv.DictReader(io.StringIO(cli("forensics", str(results), "--format", "csv").stdout)))
    assert len(rows) == 18 + 5 and rows[0]["test"] == "turnout:whole:within-0.05pp" and rows[0]["verdict"] == "SIGNAL"
    code, doc = run_json(cli, results)
    assert len(doc["pictures"]["turnout_histogram"]["values"]) == 1001
    assert len(doc["pictures"]["fingerprint"]["values"]) == 101
    assert doc["summary"]["exit_code"] == 0
    text = cli("forensics", str(results), "--format", "text").stdout
    assert "KZ951" in text and text.strip().splitlines()[-1].endswith("0 error(s), 0 warning(s), 1 note(s)")


def test_pictures_fit_80_columns_and_colour_only_on_a_terminal(tmp_path: Path) -> None:
    from kzvote.render import pictures
    from kzvote.views import Picture

    grid = np.zeros((101, 101))
    grid[60:70, 55:80] = 1000
    histogram = np.zeros(1001, dtype=np.int64)
    histogram[550:900] = 5
    histogram[::10] += 30
    for picture in (Picture("f", "F", "heatmap", grid, "turnout %", "share %"), Picture("h", "H", "histogram", histogram, "turnout %", marks=10)):
        for color in (False, True):
            lines = pictures.lines(picture, color)
            widths = [sum(len(text) for text, _ in line) for line in lines[1:]]
            assert max(widths) <= 80
            if not color:
                assert all(text.isascii() and not style or style == "dim" or style == "bold" for line in lines for text, style in line)


def test_plot_writes_png_and_svg(cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")  # in the test extra; kzvote[plot] for users
    path = stations_csv(tmp_path, small_rows())
    result = cli("forensics", str(path), "--plot", str(tmp_path / "plots"), "--format", "json")
    assert result.exit_code == 0
    for name in ("fingerprint", "turnout-histogram", "share-histogram"):
        assert (tmp_path / "plots" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert b"<svg" in (tmp_path / "plots" / f"{name}.svg").read_bytes()[:2000]


def test_plot_without_matplotlib_says_how_to_get_it(tmp_path: Path) -> None:
    path = stations_csv(tmp_path, small_rows())
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "matplotlib.py").write_text("raise ImportError('No module named matplotlib')\n")  # found first: as if not installed
    script = Path(sys.executable).with_name("kzvote")
    env = {"PYTHONPATH": str(blocker), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([str(script), "forensics", str(path), "--plot", str(tmp_path / "p")], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "pip install 'kzvote[plot]'" in done.stderr and "Traceback" not in done.stderr


# -- real data ----------------------------------------------------------------------------------


@pytest.mark.skipif(not RU2018.exists(), reason="../shared/data is not beside the project")
def test_russia_2018_integer_turnout_excess_is_the_authors(cli: Run) -> None:
    code, doc = run_json(cli, "--stations", RU2018)
    tests = {t["test"]: t for t in doc["tests"]}
    turnout, share = tests["turnout:whole:within-0.05pp"], tests["winner-share:whole:within-0.05pp"]
    assert turnout["excess"] == pytest.approx(1296, rel=0.01)  # Kobak, Shpilkin & Pshenichnikov: about +1,296
    assert share["excess"] == pytest.approx(859, rel=0.01)  # and about +859
    assert turnout["verdict"] == share["verdict"] == "SIGNAL"
    assert doc["facts"]["winner"].startswith("Vladimir Putin")
    peaks = {(p["quantity"], p["percent"]): p for p in doc["peaks"]}
    assert (peaks[("turnout", 95)]["observed"], round(peaks[("turnout", 95)]["expected"])) == (305, 147)


@pytest.mark.skipif(not RU2024.exists(), reason="../shared/data is not beside the project")
def test_russia_2024_stations_without_a_protocol_are_counted(cli: Run) -> None:
    code, doc = run_json(cli, RU2024)
    assert code == 0
    assert "94,214 rows" in doc["facts"]["stations"] and "2,268 without a protocol" in doc["facts"]["stations"]
    assert doc["facts"]["winner"].startswith("Путин")


def test_gzip_and_plain_read_alike(cli: Run, tmp_path: Path) -> None:
    plain = stations_csv(tmp_path, small_rows())
    packed = tmp_path / "s.csv.gz"
    with gzip.open(packed, "wb") as out:
        out.write(plain.read_bytes())
    assert run_json(cli, plain)[1]["tests"] == run_json(cli, packed)[1]["tests"]


def test_hostile_names_are_escaped_in_every_text_format(cli: Run, tmp_path: Path) -> None:
    header = "station,region,registered,ballots_cast,invalid_ballots,\x1b[31mAnn,Bob\n"
    path = stations_csv(tmp_path, small_rows(), header=header)
    for fmt in ("table", "markdown", "text", "csv"):
        assert "\x1b" not in cli("forensics", str(path), "--format", fmt).stdout


# -- a hostile review's findings ----------------------------------------------------------------


def test_a_station_of_absurd_size_is_left_out_not_a_crash(cli: Run, tmp_path: Path) -> None:
    rows = small_rows()
    rows[0] = "S0,R0,99999999999,600,3,400,197"  # the reader's largest count: a typo, no polling station
    code, doc = run_json(cli, stations_csv(tmp_path, rows))
    assert code == 0
    assert doc["tests"][0]["eligible"] == 299


def test_plot_into_what_cannot_be_a_folder_is_bad_usage(cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = stations_csv(tmp_path, small_rows())
    (tmp_path / "afile").write_text("x")
    for target in (str(tmp_path / "afile" / "sub"), ""):
        result = cli("forensics", str(path), "--plot", target, "--format", "json")
        assert result.exit_code == 2 and "--plot" in result.output and "internal error" not in result.output


def test_plot_never_writes_through_a_link(cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = stations_csv(tmp_path, small_rows())
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "plots").mkdir()
    (tmp_path / "plots" / "fingerprint.png").symlink_to(victim)
    result = cli("forensics", str(path), "--plot", str(tmp_path / "plots"))
    assert result.exit_code == 2 and "cannot write" in result.output
    assert victim.read_text() == "keep me"


def test_plot_shows_a_dollar_sign_as_it_is(cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    header = "station,region,registered,ballots_cast,invalid_ballots,Win $\\x$ and $5,Bob\n"
    result = cli("forensics", str(stations_csv(tmp_path, small_rows(), header=header)), "--plot", str(tmp_path / "p"), "--format", "json")
    assert result.exit_code == 0, result.output[-500:]
    assert (tmp_path / "p" / "share-histogram.svg").exists()


def test_many_unreadable_rows_are_counted_and_listed_briefly(cli: Run, tmp_path: Path) -> None:
    rows = small_rows() + [f"X{index},R1,abc,150,0,100,50" for index in range(10_500)]
    path = stations_csv(tmp_path, rows)
    code, doc = run_json(cli, path)
    assert code == 1 and doc["summary"]["errors"] == 10_500 and doc["summary"]["truncated"] == {"KZ801": 500}
    table = cli("forensics", str(path)).stdout
    assert "10,500 error(s)" in table and table.count("error KZ801") == 20


def test_columns_that_are_no_choice_are_refused(cli: Run, tmp_path: Path) -> None:
    for column, says in (("valid_ballots", "made from the choices"), ("Registered", "did you mean 'registered'")):
        header = f"station,region,registered,ballots_cast,invalid_ballots,Ann,Bob,{column}\n"
        result = cli("forensics", str(stations_csv(tmp_path, [row + ",1" for row in small_rows()], header=header)), "--format", "text")
        assert result.exit_code == 2 and says in result.output


def test_an_empty_region_is_named_as_such(cli: Run, tmp_path: Path) -> None:
    results, _ = make(tmp_path, "share-5", n=5000)
    csv_path = tmp_path / "stations.csv"
    lines = csv_path.read_text().splitlines()
    header, rows = lines[0], [line.split(",") for line in lines[1:]]
    planted_region = json.loads((tmp_path / "planted.json").read_text())[0]["region"]
    blanked = "\n".join([header, *(",".join(row[:1] + ([""] if row[1] == planted_region else row[1:2]) + row[2:]) for row in rows)]) + "\n"
    (tmp_path / "alone.csv").write_text(blanked)
    code, doc = run_json(cli, tmp_path / "alone.csv")
    assert regions(doc) == ["(no region)"]


def test_a_csv_as_file_and_another_as_stations_is_bad_usage(cli: Run, tmp_path: Path) -> None:
    path = stations_csv(tmp_path, small_rows())
    result = cli("forensics", str(path), "--stations", str(path))
    assert result.exit_code == 2 and "give one of them" in result.output


def test_planted_stations_are_eligible_ones(tmp_path: Path) -> None:
    _, planted = make(tmp_path, "turnout-5", "share-5", n=20_000, seed=1)
    registered = {row["station"]: int(row["registered"]) for row in csv.DictReader((tmp_path / "stations.csv").open())}
    assert planted and all(registered[str(p["station"])] >= 100 for p in planted)


def test_digit_tests_without_counts_say_so(cli: Run, tmp_path: Path) -> None:
    rows = [f"S{index},R,{120 + index},9,0,5,4" for index in range(50)]  # every count below 10
    code, doc = run_json(cli, stations_csv(tmp_path, rows))
    last = next(t for t in doc["tests"] if t["test"] == "last-digit:winner")
    assert last["p_value"] is None and last["chi_square"] is None
    assert "n/a" in cli("forensics", str(stations_csv(tmp_path, rows))).stdout


def test_an_exact_winner_name_wins_over_one_of_other_capitals(cli: Run, tmp_path: Path) -> None:
    header = "station,region,registered,ballots_cast,invalid_ballots,Ann,ANN\n"
    code, doc = run_json(cli, stations_csv(tmp_path, small_rows(), header=header), "--winner", "ANN")
    assert doc["facts"]["winner"].startswith("ANN (")


def test_an_unknown_winner_is_said_before_the_stations_are_read(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kzvote.audit

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the stations were read")

    monkeypatch.setattr(kzvote.audit, "_read", never)
    result = cli("forensics", str(stations_csv(tmp_path, small_rows())), "--winner", "Nobody")
    assert result.exit_code == 2 and "'Nobody' is not a choice" in result.output


def test_a_results_leader_other_than_the_stations_is_said(cli: Run, tmp_path: Path) -> None:
    results, _ = make(tmp_path, n=600)
    code, doc = run_json(cli, results, "--winner", "Daniyar Omarov")
    assert doc["facts"]["winner"].startswith("Daniyar Omarov (") and "most votes in the stations: Aigerim Bekova" in doc["facts"]["winner"]
