"""The ``b2b-sync`` command: run a sync, show its log, show the reference ids."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import log as sync_log
from .erp import AcumaticaFileSource
from .roles import ROLE_NAMES
from .refs import RefStore
from .sync import SyncOptions, describe, make_syncer
from .transport import AuthError, Credentials

STATE_DIR = Path(".b2b-sync")
ROLES_BY_NAME = {name.lower(): role_id for role_id, name in ROLE_NAMES.items()}


def target_key(url: str, tenant: int | None, site: int | None) -> str:
    return f"{url.rstrip('/')}#tenant={tenant or ''}&site={site or ''}"


def _role(text: str) -> int:
    if text.isdigit() and int(text) in ROLE_NAMES:
        return int(text)
    if text.lower() in ROLES_BY_NAME:
        return ROLES_BY_NAME[text.lower()]
    raise argparse.ArgumentTypeError(f"unknown role {text!r}; use purchaser, nonpurchaser "
                                     "or admin (or 1-3)")


def cmd_run(args: argparse.Namespace) -> int:
    log = sync_log.SyncLog(args.log, user=args.user)
    refs = RefStore(args.state, target_key(args.url, args.tenant, args.site))
    options = SyncOptions(default_role=args.default_role, prune=args.prune, dry_run=args.dry_run,
                          sales_rep=args.sales_rep, approve=args.approve)
    customers = AcumaticaFileSource(args.source).customers()
    syncer = make_syncer(args.url, Credentials(args.client_id, args.client_secret), log, refs,
                         args.tenant, args.site, options)
    try:
        result = syncer.run(customers, progress=sys.stderr.isatty() and len(customers) > 1
                            and not args.quiet)
    except AuthError as exc:
        print(f"b2b-sync: {exc}", file=sys.stderr)
        return 2
    finally:
        refs.close()
    if args.dry_run:
        for plan in result.plans:
            print("\n".join(describe(plan)))
        print(f"dry run: {sum(len(p.steps) for p in result.plans)} writes planned, none made; "
              f"{result.reads} reads")
    else:
        for row in log.errors:
            print(f"ERROR {row['actionType']}: {row['description']}", file=sys.stderr)
        print(result.summary())
    return 1 if result.errors else 0


def cmd_log(args: argparse.Namespace) -> int:
    if not Path(args.log).exists():
        print(f"b2b-sync: no log at {args.log} yet", file=sys.stderr)
        return 1
    rows = sync_log.read_rows(args.log)[-args.last:] if args.last else \
        sync_log.read_rows(args.log)
    if args.level:
        rows = [r for r in rows if r["level"] == args.level.upper()]
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        print(sync_log.table(rows))
    return 0


def cmd_refs(args: argparse.Namespace) -> int:
    if not Path(args.state).exists():
        print(f"b2b-sync: no references at {args.state} yet", file=sys.stderr)
        return 1
    refs = RefStore(args.state, target_key(args.url, args.tenant, args.site))
    rows = refs.rows()
    refs.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'ERP customer':<14} {'B2B account':>11}  contacts (ERP contact id -> B2B user id)")
    for row in rows:
        contacts = ", ".join(f"{cid} -> {uid}" for cid, uid in row["contacts"].items())
        print(f"{row['customerId']:<14} {row['accountId']:>11}  {contacts}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="b2b-sync", description="Sync ERP customers and contacts (Acumatica's shape) into "
        "B2B accounts and users.")
    sub = parser.add_subparsers(dest="command", required=True)

    def target(p: argparse.ArgumentParser) -> None:
        p.add_argument("--url", default=os.environ.get("B2B_URL", "http://127.0.0.1:8080"),
                       help="the service's host; /api/... is appended (default: %(default)s)")
        p.add_argument("--tenant", type=int, default=_int_env("B2B_TENANT"))
        p.add_argument("--site", type=int, default=_int_env("B2B_SITE"))
        p.add_argument("--state", default=str(STATE_DIR / "state.json"),
                       help="reference ids file (default: %(default)s)")

    run = sub.add_parser("run", help="sync customers into B2B")
    run.add_argument("--source", required=True, help="an ERP JSON file or a folder of them")
    target(run)
    run.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    run.add_argument("--prune", action="store_true",
                     help="remove users that match no ERP contact")
    run.add_argument("--sales-rep", default=os.environ.get("B2B_SALES_REP"),
                     help="sales rep (admin user id) assigned to new accounts so that they can "
                          "be approved (or $B2B_SALES_REP)")
    run.add_argument("--no-approve", dest="approve", action="store_false",
                     help="leave new accounts pending approval")
    run.add_argument("--default-role", type=_role, default=2,
                     help="role of contacts that are not primary (default: purchaser)")
    run.add_argument("--client-id", default=os.environ.get("B2B_CLIENT_ID", "b2b-mock-client"))
    run.add_argument("--client-secret",
                     default=os.environ.get("B2B_CLIENT_SECRET", "b2b-mock-secret"))
    run.add_argument("--log", default=str(STATE_DIR / "sync-log.jsonl"))
    run.add_argument("--user", help="login user written in the log (default: you)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)

    show = sub.add_parser("log", help="show the sync log as a table")
    show.add_argument("--log", default=str(STATE_DIR / "sync-log.jsonl"))
    show.add_argument("--last", type=int, default=0, help="only the last N rows")
    show.add_argument("--level", choices=["INFO", "ERROR", "info", "error"])
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_log)

    refs = sub.add_parser("refs", help="show the commerce reference ids")
    target(refs)
    refs.add_argument("--json", action="store_true")
    refs.set_defaults(func=cmd_refs)
    return parser


def _int_env(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
