"""The command line: options in, a view rendered, an exit code out. No arithmetic here."""

from __future__ import annotations

import contextlib
import enum
import errno
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # typer vendors click; pyproject bounds typer
from typer.exceptions import Abort

from kzvote import __version__
from kzvote.findings import Finding, Severity, worst
from kzvote.render import FORMATS

if TYPE_CHECKING:
    from kzvote.config import Config
    from kzvote.errors import KzvoteError
    from kzvote.model import Results
    from kzvote.views import View

EXIT_CLEAN, EXIT_INCONSISTENT, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3
DEFAULT_FILE = "results.yaml"

app = typer.Typer(
    name="kzvote",
    help="Reconcile election results: vote counts against published percentages.\n\n"
    "FILE defaults to $KZVOTE_FILE, else ./results.yaml. Exit codes: 0 clean, 1 inconsistencies "
    "found (errors; warnings too with --strict), 2 bad input or usage.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# The choices come from the renderers' registry: a new format is a new module there, nothing here.
Format = enum.Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


class Sort(str, enum.Enum):
    votes = "votes"
    name = "name"
    ballot = "ballot"


# readable=False: Click's own check would answer an unreadable file with a usage box; the loader
# says it as a located KZ001, like every other bad input.
FileArg = Annotated[Optional[Path], typer.Argument(help="Results file (kzvote/1 YAML).", show_default=False, readable=False)]


@dataclass
class _Requested:
    """The running command and its --format: what a file that cannot be read is reported in."""

    command: str = ""
    format: Optional[str] = None


_requested = _Requested()


def _remember_format(ctx: typer.Context, value: Optional[Format]) -> Optional[str]:
    _requested.command, _requested.format = ctx.info_name or "", value.value if value else None
    return _requested.format  # typer converts what a callback returns once more: the name, not the member


FormatOpt = Annotated[
    Optional[Format],
    typer.Option(
        "--format", "-f", help="Output format (default: table; text for check; or the project's configuration).", show_default=False, callback=_remember_format
    ),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour even on a terminal (NO_COLOR works too).")]
StrictOpt = Annotated[
    Optional[bool],
    typer.Option("--strict/--no-strict", help="Warnings fail too (exit 1). Default: the configuration's strict, else off.", show_default=False),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kzvote {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    pass


def resolve_file(file: Optional[Path]) -> Path:
    return file or Path(os.environ.get("KZVOTE_FILE") or DEFAULT_FILE)


def exit_code(findings: list[Finding], strict: bool) -> int:
    level = worst(findings)
    if level is Severity.ERROR or (strict and level is Severity.WARNING):
        return EXIT_INCONSISTENT
    return EXIT_CLEAN


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


def _report_unreadable(error: KzvoteError, path: object) -> NoReturn:
    """Bad input, exit 2: for people, located lines on stderr; in any other --format, a document of
    the problems on stdout too (a script reading JSON always gets JSON), and the closing line."""
    from kzvote.render.cells import finding_line
    from kzvote.render.safe import visible
    from kzvote.views import View

    # without --format: people's lines, even where the configuration names a format (it may be what is broken)
    chosen = _requested.format or "table"
    if chosen == "table":
        for finding in error.findings:
            _stderr(visible(finding_line(finding)))
    else:
        view = View(_requested.command, str(path), findings=error.findings, csv_rows="findings", exit_code=EXIT_BAD_INPUT)
        _write(view, chosen, color=False)
    count = len(error.findings)
    _stderr(f"kzvote: {visible(str(path))}: {count} problem{'s' if count != 1 else ''}, nothing checked (exit 2)")
    raise typer.Exit(EXIT_BAD_INPUT)


def _load_or_exit(path: Path) -> Results:
    from kzvote.errors import KzvoteError
    from kzvote.load import load

    try:
        results = load(path)
    except KzvoteError as error:
        _report_unreadable(error, path)
    return results


def _config_or_exit(path: Path) -> Config:
    from kzvote.config import find_config
    from kzvote.errors import KzvoteError

    try:
        return find_config(path)
    except KzvoteError as error:
        _report_unreadable(error, error.findings[0].file)


def _scope(*producers: ModuleType) -> set[str]:
    """The codes a command can produce (its producers' RULES, and the loader's): an accept entry
    for another command's code is not stale here."""
    from kzvote import load

    return {rule.code for module in (load, *producers) for rule in module.RULES}


def _checks() -> tuple[ModuleType, ...]:
    from kzvote.checks import CHECKS

    return CHECKS


def _finish(
    view: View,
    config: Config,
    scope: set[str],
    format: Optional[Format],
    strict: Optional[bool],
    no_color: bool,
    default: str = "table",
    bad_input: bool = False,
    fail: bool = False,
) -> NoReturn:
    """Configuration applied, the view rendered, the exit code chosen: the end of every command."""
    from dataclasses import replace

    from kzvote.config import apply

    findings = apply(config, view.findings, scope) if config.accept else view.findings
    code = EXIT_BAD_INPUT if bad_input else exit_code(findings, strict if strict is not None else bool(config.strict))
    if fail:  # the command's own reason to fail (forensics --fail-on-signal)
        code = max(code, EXIT_INCONSISTENT)
    chosen = format.value if format else config.format if config.format in FORMATS else default
    _write(replace(view, findings=findings, exit_code=code), chosen, color=False if no_color else None)
    raise typer.Exit(code)


class CannotWrite(Exception):
    """stdout refused the output (disk full, I/O error): bad circumstances, not a bug."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


def _write(view: View, format_name: str, color: Optional[bool]) -> None:
    from kzvote.render import Options, render

    try:
        render(view, format_name, sys.stdout, Options(color=color))
        sys.stdout.flush()
    except OSError as error:
        raise CannotWrite(error) from error


def _view_command(
    file: Optional[Path], format: Optional[Format], no_color: bool, strict: Optional[bool], build: Callable[[Results, list[Finding]], View]
) -> NoReturn:
    from kzvote.checks import run_checks

    path = resolve_file(file)
    config = _config_or_exit(path)
    results = _load_or_exit(path)
    _finish(build(results, run_checks(results)), config, _scope(*_checks()), format, strict, no_color)


@app.command()
def report(file: FileArg = None, format: FormatOpt = None, no_color: NoColorOpt = False, strict: StrictOpt = None) -> None:
    """Results as the commission publishes them, the outcome, and the reconciliation summary."""
    from kzvote.views import results as views

    _view_command(file, format, no_color, strict, views.report)


@app.command()
def candidates(
    file: FileArg = None,
    sort: Annotated[Sort, typer.Option("--sort", help="Order of candidates: by votes, by name, or as on the ballot.")] = Sort.votes,
    format: FormatOpt = None,
    no_color: NoColorOpt = False,
    strict: StrictOpt = None,
) -> None:
    """Candidates: votes, computed and published percentages, difference, share bar."""
    from kzvote.views import results as views

    _view_command(file, format, no_color, strict, lambda r, f: views.candidates(r, f, sort.value))


@app.command()
def turnout(file: FileArg = None, format: FormatOpt = None, no_color: NoColorOpt = False, strict: StrictOpt = None) -> None:
    """Turnout: registered, cast, computed vs published, valid/invalid, stations; regions too."""
    from kzvote.views import results as views

    _view_command(file, format, no_color, strict, views.turnout)


@app.command()
def reconcile(file: FileArg = None, format: FormatOpt = None, no_color: NoColorOpt = False, strict: StrictOpt = None) -> None:
    """Every finding with its figures, and the base the published percentages imply."""
    from kzvote.views import results as views

    _view_command(file, format, no_color, strict, views.reconcile)


@app.command()
def sources(file: FileArg = None, format: FormatOpt = None, no_color: NoColorOpt = False, strict: StrictOpt = None) -> None:
    """What each outlet reported against the official figures, and against itself."""
    from kzvote import sources as sources_module
    from kzvote.sources import cross_check
    from kzvote.views.sources import sources as sources_view

    path = resolve_file(file)
    config = _config_or_exit(path)
    check = cross_check(_load_or_exit(path))
    _finish(sources_view(check), config, _scope(sources_module), format, strict, no_color)


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The earlier version: a file, or git:REV[:PATH] (e.g. git:HEAD~1, git:origin/main).", show_default=False)],
    new: FileArg = None,
    format: FormatOpt = None,
    no_color: NoColorOpt = False,
    strict: StrictOpt = None,
) -> None:
    """What changed between two versions, figure by figure, and which findings came or went.

    Exit 1 when NEW brings an error finding that OLD did not have (with --strict, a warning too)."""
    from kzvote import diff as diff_module
    from kzvote.diff import compare, read_version
    from kzvote.errors import KzvoteError
    from kzvote.load import load
    from kzvote.views.diff import diff as diff_view

    new_path = resolve_file(new)
    config = _config_or_exit(new_path)
    try:
        old_results, new_results = read_version(old, new_path), load(new_path)
    except KzvoteError as error:
        _report_unreadable(error, error.findings[0].file)
    _finish(diff_view(compare(old_results, new_results)), config, _scope(*_checks(), diff_module), format, strict, no_color)


@app.command()
def audit(
    file: FileArg = None,
    stations: Annotated[
        Optional[Path], typer.Option("--stations", help="Polling-station CSV (default: the results file's stations:).", show_default=False, readable=False)
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", min=0, help="Station findings shown in table and markdown output (json and csv keep the first 10,000 of each code, and count the rest)."
        ),
    ] = 20,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=0, help="Processes reading a plain CSV of 24 MB or more (0: one per CPU core; 1: no second process).", show_default=False
        ),
    ] = 0,
    format: FormatOpt = None,
    no_color: NoColorOpt = False,
    strict: StrictOpt = None,
) -> None:
    """Tabulation audit: each station's protocol, and the stations rolled up against the totals."""
    from kzvote import audit as audit_module
    from kzvote.audit import audit_stations
    from kzvote.errors import KzvoteError
    from kzvote.views.audit import audit as audit_view

    results, csv_path, config = _results_and_stations(file, stations)
    try:
        with _progress(csv_path) as advance:
            result = audit_stations(results, csv_path, str(csv_path), advance, jobs)
    except KzvoteError as error:
        if stations is None:
            error = audit_module.at_stations_key(error, results)
        _report_unreadable(error, csv_path)
    _finish(audit_view(result, limit), config, _scope(audit_module), format, strict, no_color)


@app.command()
def forensics(
    file: Annotated[
        Optional[Path],
        typer.Argument(help="Results file (kzvote/1 YAML), or a station CSV (.csv, .csv.gz) read alone.", show_default=False, readable=False),
    ] = None,
    stations: Annotated[
        Optional[Path],
        typer.Option(
            "--stations", help="Polling-station CSV (default: the results file's stations:). Without FILE: the CSV alone.", show_default=False, readable=False
        ),
    ] = None,
    winner: Annotated[
        Optional[str],
        typer.Option(
            "--winner",
            help="The choice whose share is tested (default: the results file's leader; for a CSV alone, the choice with most votes).",
            show_default=False,
        ),
    ] = None,
    fail_on_signal: Annotated[
        bool, typer.Option("--fail-on-signal", help="Exit 1 when a test or a region signals (default: signals never fail a run).")
    ] = False,
    plot: Annotated[
        Optional[str],  # a str: an empty one must not become Path("."), the current folder
        typer.Option(
            "--plot",
            help="Also write the fingerprint and the histograms as PNG and SVG into this folder (needs the plot extra: pip install 'kzvote\\[plot]').",
            show_default=False,
        ),
    ] = None,
    format: FormatOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Forensic signals: integer percentages, the turnout x share fingerprint, digits, 100 % turnout."""
    from kzvote import forensics as forensics_module
    from kzvote.audit import at_stations_key
    from kzvote.errors import KzvoteError
    from kzvote.forensics.read import UnknownChoice, read_protocols
    from kzvote.views.forensics import forensics as forensics_view

    if file is not None and file.name.lower().endswith((".csv", ".csv.gz")):
        if stations is not None:
            raise typer.BadParameter(f"{file} is a station CSV and --stations names another; give one of them", param_hint="FILE")
        file, stations = None, file  # `kzvote forensics x.csv`: the CSV alone
    plot_folder = _plot_ready(plot) if plot is not None else None
    results: Results | None = None
    if file is not None or stations is None:
        results, csv_path, config = _results_and_stations(file, stations)
    else:  # a CSV alone
        csv_path, config = stations, _config_or_exit(stations)
    try:
        with _progress(csv_path, "reading") as advance:
            protocols = read_protocols(csv_path, str(csv_path), results, advance, asked=winner)
        result = forensics_module.analyse(protocols)
    except UnknownChoice as unknown:  # --winner names no choice: said after the header, before the stations
        raise typer.BadParameter(str(unknown), param_hint="--winner") from None
    except KzvoteError as error:
        if results is not None and stations is None:
            error = at_stations_key(error, results)
        _report_unreadable(error, csv_path)
    view = forensics_view(result, results, str(csv_path))
    if plot_folder is not None:
        from kzvote.render.plot import write_plots
        from kzvote.render.safe import visible

        try:
            written = write_plots(view.pictures, plot_folder)
        except OSError as error:
            _stderr(f"kzvote: --plot {visible(str(plot_folder))}: cannot write {visible(str(error.filename or ''))}: {error.strerror or error} (exit 2)")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        _stderr(f"kzvote: wrote {', '.join(visible(str(path)) for path in written)}")
    _finish(view, config, _scope(forensics_module), format, False, no_color, fail=fail_on_signal and result.signalled)


def _plot_ready(name: str) -> Path:
    """--plot's needs, checked before a long read: matplotlib, and a folder that is one (made now)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # not installed, or installed broken: the same advice
        _stderr("kzvote: --plot needs matplotlib, an optional extra: pip install 'kzvote[plot]' (exit 2)")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    from kzvote.render.safe import visible

    if not name.strip():
        _stderr("kzvote: --plot needs a folder's name (exit 2)")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    folder = Path(name)
    try:
        folder.mkdir(parents=True, exist_ok=True)  # made now: a folder that cannot be is said before a long read
    except OSError as error:
        _stderr(f"kzvote: --plot {visible(str(folder))}: {error.strerror or error} (exit 2)")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return folder


def _results_and_stations(file: Optional[Path], stations: Optional[Path]) -> tuple[Results, Path, Config]:
    """The results file, the station CSV it names (or --stations), and the configuration; bad
    input ends the run (exit 2)."""
    from kzvote.audit import stations_path
    from kzvote.errors import KzvoteError

    path = resolve_file(file)
    config = _config_or_exit(path)
    results = _load_or_exit(path)
    try:
        return results, stations_path(results, path, stations), config
    except KzvoteError as error:
        _report_unreadable(error, path)


PROGRESS_BYTES = 3_000_000  # about 50,000 stations: below this a bar only flickers


@contextlib.contextmanager
def _progress(path: Path, doing: str = "auditing") -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr, only on a terminal and only for a large file."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < PROGRESS_BYTES or not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.markup import escape as rich_escape
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from kzvote.render.safe import visible

    console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(), transient=True, console=console) as bar:
        task = bar.add_task(f"{doing} {rich_escape(visible(path.name))}", total=size)
        yield lambda consumed: bar.advance(task, consumed)


@app.command()
def check(
    files: Annotated[
        Optional[list[Path]], typer.Argument(help="Results files (default: $KZVOTE_FILE or ./results.yaml).", show_default=False, readable=False)
    ] = None,
    format: FormatOpt = None,
    strict: StrictOpt = None,
    notes: Annotated[bool, typer.Option("--notes", help="Show notes (implied base, outcome) too.")] = False,
    no_color: NoColorOpt = False,  # accepted so scripts can pass it everywhere; check never colours
) -> None:
    """For CI: validate and reconcile, one line per finding. Exit 0 clean, 1 errors, 2 bad input."""
    from dataclasses import replace

    from kzvote.checks import run_checks
    from kzvote.config import Config, apply_each
    from kzvote.errors import KzvoteError
    from kzvote.load import load
    from kzvote.views import results as views
    from kzvote.views.files import files_table

    paths = files or [resolve_file(None)]
    unreadable = False
    scope = _scope(*_checks())
    config = Config()
    runs: list[tuple[Config, list[Finding]]] = []
    for path in paths:
        config = _config_or_exit(path)
        try:
            found = run_checks(load(path))
        except KzvoteError as error:
            found, unreadable = error.findings, True
        runs.append((config, found))
    findings = apply_each(runs, scope)
    view = views.check(", ".join(map(str, paths)), findings, notes)
    view = replace(view, tables=[files_table([str(path) for path in paths], view.findings)])
    # accepts were applied above; the last file's configuration picks format and strict
    settings = Config(config.file, config.format, config.strict)
    _finish(view, settings, scope, format, strict, True, default="text", bad_input=unreadable)


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the kzvote/1 results format, for editors."""
    import json

    from kzvote.schema_json import results_schema

    typer.echo(json.dumps(results_schema(), indent=2, ensure_ascii=False))


# Errors of a write that mean "the output has nowhere to go": stdout, since kzvote writes no file.
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def main() -> None:
    # One short run: what it loads lives to the end and what the checks build on it is acyclic, so
    # reference counting frees all there is to free. The cyclic collector would only walk the
    # growing heap again and again (a third of the time of a 5,000-region file) and find nothing.
    gc.disable()
    if hasattr(signal, "SIGPIPE"):
        # `kzvote report | head`: end quietly as cat does, instead of an exit code that means "findings".
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        # Not standalone: usage errors come back as exceptions, to be said in one line (and as a
        # document when a script asked for JSON or SARIF) instead of Typer's box.
        _exit_now(app(standalone_mode=False))
    except SystemExit as done:
        _exit_now(done.code)
    except NoArgsIsHelpError as error:  # `kzvote` alone: the help, as Click prints it
        error.show()
        _exit_now(EXIT_BAD_INPUT)
    except ClickException as error:
        _usage_error(error, _machine_format(sys.argv[1:]))
    except (Abort, KeyboardInterrupt):
        _stderr("kzvote: interrupted")
        _exit_now(130)
    except CannotWrite as failure:
        _cannot_write(failure.error)
    except OSError as error:
        if error.errno not in WRITE_ERRNOS:  # typer.echo (schema, --version) writes outside _write
            _internal_error(error)
        _cannot_write(error)
    except Exception as error:
        _internal_error(error)


def _machine_format(args: list[str]) -> str | None:
    """--format json (or another format for programs) as written on the command line, read before
    the command line is parsed: a usage error must still give a script the document it asked for."""
    for index, arg in enumerate(args):
        value = None
        if arg in ("--format", "-f") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--format="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-f") and len(arg) > 2 and not arg.startswith("--"):
            value = arg[2:]
        if value in MACHINE_FORMATS:
            return value
    return None


MACHINE_FORMATS = ("json", "sarif")


def _usage_error(error: ClickException, machine: str | None) -> NoReturn:
    """One line on stderr, with where to look; for a script that asked for JSON or SARIF, also a
    document with no findings that says why nothing ran (exit 2)."""
    from kzvote.render.safe import visible
    from kzvote.views import View

    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), "")
    help_hint = f"kzvote {command} --help" if command in app_commands() else "kzvote --help"
    _stderr(f"kzvote: usage: {visible(error.format_message())} (see {visible(help_hint)}; exit 2)")
    if machine:
        view = View(command, "", facts=[("Usage error", error.format_message())], exit_code=EXIT_BAD_INPUT)
        _write(view, machine, color=False)
    _exit_now(EXIT_BAD_INPUT)


def app_commands() -> set[str]:
    return {command.name or command.callback.__name__ for command in app.registered_commands if command.callback}


def _internal_error(error: Exception) -> NoReturn:
    """A bug: say so in one line, not a traceback."""
    if os.environ.get("KZVOTE_DEBUG"):
        raise error
    from kzvote.render.safe import visible

    _stderr(f"kzvote: internal error: {type(error).__name__}: {visible(str(error))} (set KZVOTE_DEBUG=1 for a traceback; please report)")
    sys.exit(EXIT_BUG)


def _cannot_write(error: OSError) -> NoReturn:
    """One line and exit 2; what stdout still buffers is dropped, never flushed again. A closed
    pipe stays quiet (where SIGPIPE does not end kzvote first)."""
    try:
        if not isinstance(error, BrokenPipeError):
            _stderr(f"kzvote: cannot write output: {error.strerror or error}")
        sys.stderr.flush()
    except OSError:  # stderr cannot be written either: the exit code is all that is left to say it
        pass
    os._exit(EXIT_BAD_INPUT if not isinstance(error, BrokenPipeError) else EXIT_INCONSISTENT)


def _exit_now(code: object) -> NoReturn:
    """Flush and leave without tearing the interpreter down: kzvote holds no open writes, and
    finalising numpy, yaml and typer costs about 10 ms of every short run."""
    if isinstance(code, str):
        _stderr(code)
        code = 1
    try:
        sys.stdout.flush()
    except OSError as error:
        _cannot_write(error)
    try:
        sys.stderr.flush()
    except OSError as error:
        _cannot_write(error)
    os._exit(code if isinstance(code, int) else 0)
