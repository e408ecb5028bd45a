"""The ``b2b-sync`` command: run a sync once or keep watching, show its log and the reference ids.

Exit status: 0 done, 1 some records failed, 2 a usage or sign-in problem, 3 a service could not
be reached, 130 stopped at once by a second Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import log as sync_log
from .erp import AcumaticaFileSource, CustomerSource
from .erp_api import DEFAULT_VERSION, AcumaticaApiSource, ErpError, ErpLogin
from .refs import RefStore, target_key
from .roles import ROLE_NAMES
from .sync import DEFAULT_WORKERS, RunResult, Syncer, SyncOptions, describe, make_syncer
from .target import effective_tenant
from .transport import RETRY_DEADLINE, AuthError, Credentials, TicketAuth, Unreachable
from .watch import StopRequest, watch

STATE_DIR = Path(".b2b-sync")
ROLES_BY_NAME = {name.lower(): role_id for role_id, name in ROLE_NAMES.items()}


class UsageProblem(RuntimeError):
    """A mistake in how the command was called, said in one line."""


def _role(text: str) -> int:
    if text.isdigit() and int(text) in ROLE_NAMES:
        return int(text)
    if text.lower() in ROLES_BY_NAME:
        return ROLES_BY_NAME[text.lower()]
    raise argparse.ArgumentTypeError(f"unknown role {text!r}; use purchaser, nonpurchaser "
                                     "or admin (or 1-3)")


def _source(args: argparse.Namespace) -> CustomerSource:
    if args.erp_url:
        missing = [flag for flag, value in (("--erp-user or ERP_USER", args.erp_user),
                                            ("--erp-password or ERP_PASSWORD", args.erp_password))
                   if not value]
        if missing:
            raise UsageProblem(f"the ERP at {args.erp_url} needs {' and '.join(missing)} "
                               "(b2b-mock's ERP twin signs in as admin / b2b-mock-erp, "
                               "company Company)")
        return AcumaticaApiSource(args.erp_url, ErpLogin(args.erp_user, args.erp_password,
                                                         args.erp_company),
                                  version=args.erp_version, retry_for=args.retry_for)
    if args.source:
        if not Path(args.source).exists():
            raise UsageProblem(f"no ERP file or folder at {args.source}")
        return AcumaticaFileSource(args.source)
    raise UsageProblem("say where the customers come from: --erp-url URL (a live ERP) or "
                       "--source FILE (ERP JSON)")


def _refs(args: argparse.Namespace) -> tuple[RefStore, str]:
    tenant, how = effective_tenant(args.url, args.tenant)
    refs = RefStore(args.state, target_key(args.url, tenant))
    where = f"tenant {tenant} ({how})" if tenant is not None else f"the tenant {how}"
    return refs, where


def _syncer(args: argparse.Namespace, refs: RefStore, stop: StopRequest) -> tuple[Syncer, Any]:
    log = sync_log.SyncLog(args.log, user=args.user)
    options = SyncOptions(default_role=args.default_role, prune=args.prune, dry_run=args.dry_run,
                          sales_rep=args.sales_rep, approve=args.approve, workers=args.workers)
    syncer = make_syncer(args.url, Credentials(args.client_id, args.client_secret), log, refs,
                         args.tenant, args.site, options, stop=stop, retry_for=args.retry_for,
                         max_rate=args.max_rate)
    return syncer, log


def _report(result: RunResult, log: sync_log.SyncLog, dry_run: bool) -> None:
    if dry_run:
        for plan in result.plans:
            print("\n".join(describe(plan)))
        print(f"dry run: {sum(len(p.steps) for p in result.plans)} writes planned, none made; "
              f"{result.reads} reads")
        return
    for row in log.errors:
        print(f"ERROR {row['actionType']}: {row['description']}", file=sys.stderr)
    print(result.summary())


def cmd_run(args: argparse.Namespace) -> int:
    source = _source(args)
    refs, _ = _refs(args)
    try:
        with StopRequest() as stop:
            syncer, log = _syncer(args, refs, stop)
            progress = sys.stderr.isatty() and not args.quiet
            result = syncer.run_source(source, full=args.full or args.dry_run,
                                       progress=progress)
    finally:
        refs.close()
        _close(source)
    _report(result, log, args.dry_run)
    return 1 if result.errors else 0


def cmd_watch(args: argparse.Namespace) -> int:
    if args.interval <= 0:
        raise UsageProblem("--interval is a number of seconds above 0")
    source = _source(args)
    refs, _ = _refs(args)
    try:
        with StopRequest() as stop:
            syncer, log = _syncer(args, refs, stop)
            auth = syncer.client.session.auth

            def renew() -> None:
                if isinstance(auth, TicketAuth):
                    auth.token()

            def once(full: bool) -> RunResult:
                start = len(log.rows)
                result = syncer.run_source(source, full=full)
                for row in log.rows[start:]:
                    if row["level"] == "ERROR":
                        print(f"ERROR {row['actionType']}: {row['description']}",
                              file=sys.stderr)
                return result

            print(f"b2b-sync: watching {source.name.split('#')[0]} every {args.interval:g} s "
                  f"(Ctrl-C or SIGTERM stops)", flush=True)
            runs = watch(once, args.interval, stop, full_every=args.full_every, renew=renew,
                         report=lambda line: print(line, flush=True))
    finally:
        refs.close()
        _close(source)
    print(f"b2b-sync: stopped after {runs} run{'s' if runs != 1 else ''}")
    return 0


def _close(source: CustomerSource) -> None:
    close = getattr(source, "close", None)
    if callable(close):
        close()


def cmd_log(args: argparse.Namespace) -> int:
    if not Path(args.log).exists():
        print(f"b2b-sync: no log at {args.log} yet", file=sys.stderr)
        return 1
    try:
        since = sync_log.parse_when(args.since) if args.since else None
        until = sync_log.parse_when(args.until, end=True) if args.until else None
    except ValueError as exc:
        raise UsageProblem(f"a date is YYYY-MM-DD or YYYY-MM-DDTHH:MM ({exc})") from None
    rows = sync_log.select(sync_log.read_rows(args.log), level=args.level, action=args.action,
                           text=args.text, since=since, until=until, last=args.last)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    elif args.detail:
        print(sync_log.details(rows))
    else:
        print(sync_log.table(rows, wrap=args.wrap))
    return 0


def cmd_refs(args: argparse.Namespace) -> int:
    if not Path(args.state).exists():
        print(f"b2b-sync: no references at {args.state} yet", file=sys.stderr)
        return 1
    refs, where = _refs(args)
    rows = refs.rows()
    others = {key: n for key, n in refs.targets().items() if key != refs.target}
    refs.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"b2b-sync: no references for {args.url} in {where}, in {args.state}",
              file=sys.stderr)
        for key, count in sorted(others.items()):
            print(f"  the file has {count} customer{'s' if count != 1 else ''} for {key}",
                  file=sys.stderr)
        return 1
    print(f"{'ERP customer':<14} {'B2B account':>11}  contacts (ERP contact id -> B2B user id); "
          f"locations (ERP location -> account contact)")
    for row in rows:
        contacts = ", ".join(f"{cid} -> {uid}" for cid, uid in row["contacts"].items())
        locations = ", ".join(f"{lid} -> {cid}" for lid, cid in row["locations"].items())
        print(f"{row['customerId']:<14} {str(row['accountId']):>11}  {contacts}"
              + (f"; {locations}" if locations else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="b2b-sync", description="Sync ERP customers, contacts and locations (Acumatica's "
        "shape) into B2B accounts, users and addresses.")
    parser.add_argument("--version", action="version", version=f"b2b-sync {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    def target(p: argparse.ArgumentParser) -> None:
        p.add_argument("--url", default=os.environ.get("B2B_URL", "http://127.0.0.1:8080"),
                       help="the service's host; /api/... is appended (default: %(default)s)")
        p.add_argument("--tenant", type=int, default=_int_env("B2B_TENANT"))
        p.add_argument("--site", type=int, default=_int_env("B2B_SITE"))
        p.add_argument("--state", default=str(STATE_DIR / "state.json"),
                       help="reference ids file (default: %(default)s)")

    def syncing(p: argparse.ArgumentParser) -> None:
        where = p.add_argument_group("where customers come from (one of)")
        where.add_argument("--source", help="an ERP JSON file or a folder of them")
        where.add_argument("--erp-url", default=os.environ.get("ERP_URL"),
                           help="a live ERP (Acumatica's contract-based API), e.g. b2b-mock's "
                                "twin at http://127.0.0.1:8080 (or $ERP_URL)")
        where.add_argument("--erp-user", default=os.environ.get("ERP_USER"))
        where.add_argument("--erp-password", default=os.environ.get("ERP_PASSWORD"))
        where.add_argument("--erp-company", default=os.environ.get("ERP_COMPANY"),
                           help="the ERP tenant (company) to sign in to")
        where.add_argument("--erp-version", default=DEFAULT_VERSION,
                           help="the Default endpoint's version (default: %(default)s)")
        target(p)
        p.add_argument("--full", action="store_true",
                       help="read every customer, not only those changed since the last "
                            "successful run (finds what was deleted in the ERP)")
        p.add_argument("--prune", action="store_true",
                       help="remove users that match no ERP contact")
        p.add_argument("--sales-rep", default=os.environ.get("B2B_SALES_REP"),
                       help="sales rep (admin user id) assigned to new accounts so that they can "
                            "be approved (or $B2B_SALES_REP)")
        p.add_argument("--approve", dest="approve", action="store_true", default=True,
                       help="approve the accounts of active customers (the default)")
        p.add_argument("--no-approve", dest="approve", action="store_false",
                       help="leave new accounts pending approval")
        p.add_argument("--default-role", type=_role, default=2,
                       help="role of contacts that are not primary (default: purchaser)")
        p.add_argument("--client-id", default=os.environ.get("B2B_CLIENT_ID", "b2b-mock-client"))
        p.add_argument("--client-secret",
                       default=os.environ.get("B2B_CLIENT_SECRET", "b2b-mock-secret"))
        p.add_argument("--log", default=str(STATE_DIR / "sync-log.jsonl"))
        p.add_argument("--user", help="login user written in the log (default: you)")
        p.add_argument("--retry-for", type=float, default=RETRY_DEADLINE,
                       help="seconds to keep retrying a call the service refuses for now "
                            "(429, 503) or a service that cannot be reached; then the record "
                            "fails, or the run ends (default: %(default)g)")
        p.add_argument("--workers", type=_workers, default=DEFAULT_WORKERS,
                       help="customers synced at the same time, each with its steps in order "
                            "(default: %(default)s)")
        p.add_argument("--max-rate", type=_rate, metavar="CALLS_PER_S",
                       help="calls per second to the B2B service, all workers together, never "
                            "to be passed (default: no ceiling; a 429 or 503 slows the run down "
                            "by itself)")

    run = sub.add_parser("run", help="sync customers into B2B once")
    syncing(run)
    run.add_argument("--dry-run", action="store_true",
                     help="print the plan for every customer, write nothing")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)

    keep = sub.add_parser("watch", help="sync what changed, again and again until stopped")
    syncing(keep)
    keep.add_argument("--interval", type=float, default=60.0,
                      help="seconds between runs (default: %(default)s)")
    keep.add_argument("--full-every", type=int, default=60,
                      help="every Nth run reads every customer (0: never; default: %(default)s)")
    keep.set_defaults(func=cmd_watch, dry_run=False)

    show = sub.add_parser("log", help="show the sync log, newest first")
    show.add_argument("--log", default=str(STATE_DIR / "sync-log.jsonl"))
    show.add_argument("--level", type=str.upper, choices=["INFO", "WARN", "ERROR"])
    show.add_argument("--action", help="action type, or a part of it (contact, location, ...)")
    show.add_argument("--text", help="rows whose message, endpoint or description holds this")
    show.add_argument("--since", help="from this date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)")
    show.add_argument("--until", help="up to this date (the whole day) or time")
    show.add_argument("--last", type=int, default=0,
                      help="only the newest N rows (after the filters)")
    view = show.add_mutually_exclusive_group()
    view.add_argument("--wrap", action="store_true", help="wrap long cells instead of cutting")
    view.add_argument("--detail", action="store_true", help="one block per row, in full")
    view.add_argument("--json", action="store_true", help="one JSON object per row")
    show.set_defaults(func=cmd_log)

    refs = sub.add_parser("refs", help="show the commerce reference ids")
    target(refs)
    refs.add_argument("--json", action="store_true")
    refs.set_defaults(func=cmd_refs)
    return parser


def _version() -> str:
    """The installed distribution's version (b2b-sync ships in b2b-mock's)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("b2b-mock")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _workers(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not rate > 0 or rate == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of calls per second "
                                         "above 0")
    return rate


def _int_env(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value and value.isdigit() else None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageProblem as exc:
        print(f"b2b-sync: {exc}", file=sys.stderr)
        return 2
    except AuthError as exc:
        print(f"b2b-sync: {exc}", file=sys.stderr)
        return 2
    except ErpError as exc:
        print(f"b2b-sync: the ERP refused: {exc.message} ({exc.method} {exc.url}, "
              f"{exc.status})", file=sys.stderr)
        return 2
    except Unreachable as exc:
        print(f"b2b-sync: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("b2b-sync: stopped at once (Ctrl-C twice); the customers not synced sync on the "
              "next run", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
