"""The ``b2b-mock`` command: serve the mock, and manage its data offline or on a running server.

Data verbs (``reset``, ``seed``, ``export``, ``import``) work on a database file with ``--db``
(the server must not be running on it), or on a running server with ``--url`` (or
``$B2B_MOCK_URL``, when ``--db`` is not given). The operator verbs (``journal``, ``fault``,
``expire-tokens``) talk to a running server: ``--url``, ``$B2B_MOCK_URL`` or the default address.

A user's mistake (no server there, a file that is missing or not what it should be, a port in
use, Ctrl-C) ends the command with a sentence on standard error and a non-zero status, never
a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import warnings
from pathlib import Path
from typing import Any

from . import __version__, config
from .admin import seeding
from .admin.faults import FAULT_KINDS
from .admin.state_files import STATE_FORMAT, export_state, import_state
from .service import b2b_catalog, erp_catalog, open_store
from .domain.errors import ServiceError
from .domain.tickets import DEFAULT_CLIENT_SECRET
from .domain.json_text import JSONRefused, read_json
from .domain.tenancy import Scope
from .http.body_limit import DEFAULT_MAX_BODY, DEFAULT_MAX_IMPORT_BODY, parse_size
from .store import CorruptFile, Store, StoreLocked

DEFAULT_URL = f"http://{config.DEFAULT_HOST}:{config.DEFAULT_PORT}"
ADMIN_TOKEN_ENV = "B2B_MOCK_ADMIN_TOKEN"
URL_ENV = "B2B_MOCK_URL"


class Refused(Exception):
    """A user's mistake the command reports in a sentence (and exits 1 or 2)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _server_url() -> str:
    return os.environ.get(URL_ENV) or DEFAULT_URL


def _admin(args: argparse.Namespace, method: str, path: str, body: Any = None,
           params: dict[str, Any] | None = None) -> Any:
    """A call to the operator API of the server at ``--url``, with the operator token when
    one is given (``--admin-token`` or ``$B2B_MOCK_ADMIN_TOKEN``)."""
    import requests

    token = args.admin_token or os.environ.get(ADMIN_TOKEN_ENV)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = args.url.rstrip("/")
    try:
        response = requests.request(method, url + "/_mock" + path, json=body, params=params,
                                    headers=headers, timeout=30)
    except requests.ConnectionError:
        raise Refused(f"no b2b-mock answers at {url}: start one with 'b2b-mock serve', or "
                      f"name the running one with --url or ${URL_ENV}") from None
    except requests.RequestException as exc:
        raise Refused(f"the server at {url} did not answer {method} /_mock{path}: "
                      f"{exc}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code >= 400 or answer is None:
        message = answer.get("message") if isinstance(answer, dict) else response.text[:200]
        hint = "; give the operator token with --admin-token or $" + ADMIN_TOKEN_ENV \
            if response.status_code == 401 else ""
        raise Refused(f"{method} {url}/_mock{path} failed ({response.status_code}): "
                      f"{message}{hint}")
    return answer


def _open_store(db: str) -> Store:
    try:
        return open_store(Path(db))
    except StoreLocked as exc:
        raise Refused(f"{exc}; stop it, or use --url to act on the running server", 2) \
            from None
    except CorruptFile as exc:
        raise Refused(str(exc), 2) from None


def _read_json_file(path: str, what: str) -> Any:
    """A JSON file the user named; ``Refused`` saying what is wrong with it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise Refused(f"cannot read the {what} {path}: {exc.strerror or exc}", 2) from None
    try:
        return read_json(raw)
    except JSONRefused as exc:
        raise Refused(f"the {what} {path} is not JSON the mock reads ({exc})", 2) from None


def _where(args: argparse.Namespace) -> None:
    """A data verb acts on --db, on --url, or else on $B2B_MOCK_URL or the default file."""
    if args.db is None and args.url is None:
        if os.environ.get(URL_ENV):
            args.url = os.environ[URL_ENV]
        else:
            args.db = str(config.DEFAULT_DB)


def cmd_serve(args: argparse.Namespace) -> int:
    from . import server
    from .app import create_app
    from .http.operator_guard import is_loopback
    from .speedups import tune_process

    settings = config.Settings(
        db_path=None if args.memory else Path(args.db),
        default_tenant=args.tenant,
        auth_enabled=not args.no_auth,
        seed_path=Path(args.seed) if args.seed else None,
        erp_seed_path=Path(args.erp_seed) if args.erp_seed else None,
        journal_size=args.journal_size,
        max_body=args.max_body,
        max_import_body=args.max_import_body,
    )
    if args.no_speedups:
        settings.speedups = False
    if args.token_lifetime is not None:
        settings.token_lifetime = args.token_lifetime
    limits = server.Limits(idle_timeout=args.idle_timeout, request_timeout=args.request_timeout,
                           max_connections=args.max_connections)
    settings.bound_host = args.host
    settings.allowed_hosts = tuple(args.allowed_host)
    token_source = "--admin-token" if args.admin_token else \
        f"${ADMIN_TOKEN_ENV}" if os.environ.get(ADMIN_TOKEN_ENV) else None
    settings.admin_token = args.admin_token or os.environ.get(ADMIN_TOKEN_ENV) or None
    generated = settings.admin_token is None and not is_loopback(args.host)
    if generated:
        settings.admin_token = secrets.token_urlsafe(24)
    if not is_loopback(args.host):
        everywhere = args.host in ("0.0.0.0", "::", "")
        print(f"b2b-mock: WARNING: serving on {args.host or 'every address'}"
              + (" (every network interface)" if everywhere else "")
              + ": other machines can reach it. The operator API (/_mock) needs the operator "
                "token; its Host must be localhost, an IP address or an --allowed-host name.",
              file=sys.stderr, flush=True)
    try:
        sock = server.bind(args.host, args.port)
    except server.PortInUse as exc:
        raise Refused(str(exc), 2) from None
    try:
        app = create_app(settings)
    except (StoreLocked, CorruptFile) as exc:
        sock.close()
        raise Refused(str(exc), 2) from None
    except ServiceError as exc:  # the seed file
        sock.close()
        raise Refused(exc.message, 2) from None
    if settings.speedups:
        tune_process()
    base = f"http://{args.host}:{args.port}"
    lines = [
        f"b2b-mock serving on {base}",
        f"  B2B API      {base}/api/commerce/customer/b2baccounts",
        f"  demo page    {base}/_mock/ui  (accounts, users and roles, the journal; live)",
        f"  API docs     {base}/api/ui/",
        f"  auth tickets {base}/api/platform/applications/authtickets/oauth",
        f"  operator API {base}/_mock/ (journal, faults, reset, seed, state)",
        f"  storage      {settings.db_path or 'in memory (lost on exit)'}",
        f"  tenant       {settings.default_tenant} when a call sends no x-vol-tenant",
        f"  ERP twin     {base}/entity/Default/24.200.001/ (Customer, Contact, "
        "CustomerLocation; sign in at /entity/auth/login)",
        f"  ERP sign-in  name={settings.erp_user} password={settings.erp_password} "
        f"tenant={settings.erp_company}",
    ]
    if settings.auth_enabled:
        # a secret of one's own is never printed; the default one is public (README)
        secret = settings.client_secret if settings.client_secret == DEFAULT_CLIENT_SECRET \
            else "*** (set via B2B_MOCK_CLIENT_SECRET)"
        lines.append(f"  credentials  client_id={settings.client_id} client_secret={secret} "
                     f"(tickets last {settings.token_lifetime:g} s)")
    else:
        lines.append("  AUTH IS OFF  (--no-auth): every call is accepted without a token")
    if generated:
        lines += [f"  operator     token {settings.admin_token} (made up for this run, shown "
                  "once): send 'Authorization: Bearer <token>' to /_mock,",
                  f"               open the demo page as {base}/_mock/ui#token="
                  f"{settings.admin_token}"]
    elif token_source is not None:
        lines.append(f"  operator     the token of {token_source} is required on /_mock "
                     "(the demo page asks for it)")
    else:
        lines.append("  operator     open to this machine (--admin-token to require a token)")
    print("\n".join(lines), flush=True)
    started = server.serve(app, sock, limits, log_level=args.log_level,
                           access_log=args.access_log)
    return 0 if started else 1


def cmd_reset(args: argparse.Namespace) -> int:
    _where(args)
    body = {"tenant": args.tenant} if args.tenant else {}
    if args.url:
        result = _admin(args, "POST", "/reset", body)
    else:
        store = _open_store(args.db)
        which = Scope(args.tenant).owns if args.tenant else (lambda name: True)
        result = {"droppedTables": store.drop_tables(which)}
        store.close()
    print(json.dumps(result))
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    _where(args)
    data = _read_json_file(args.file, "seed file")
    if args.url:
        result = _admin(args, "POST", "/seed", data)
    else:
        store = _open_store(args.db)
        try:
            result = seeding.load_seed_data(store, b2b_catalog(), data, args.tenant,
                                            erp_catalog())
        except ServiceError as exc:
            raise Refused(f"the seed file {args.file} is refused: {exc.message}") from None
        finally:
            store.close()
    print(json.dumps(result))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _where(args)
    if args.url:
        result = _admin(args, "GET", "/state")
    else:
        store = _open_store(args.db)
        result = export_state(store)
        store.close()
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.output and args.output != "-":
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    _where(args)
    data = _read_json_file(args.file, "export")
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise Refused(f"{args.file} is not a b2b-mock export ({STATE_FORMAT})", 2)
    if args.url:
        result = _admin(args, "PUT", "/state", data)
    else:
        store = _open_store(args.db)
        try:
            result = import_state(store, data)
        except ServiceError as exc:
            raise Refused(f"{args.file}: {exc.message}") from None
        finally:
            store.close()
    print(json.dumps(result))
    return 0


def cmd_journal(args: argparse.Namespace) -> int:
    if args.clear:
        print(json.dumps(_admin(args, "DELETE", "/journal")))
        return 0
    params = {k: v for k, v in {"operation": args.operation, "tenant": args.tenant,
                                "limit": args.limit, "order": "newest"}.items() if v}
    result = _admin(args, "GET", "/journal", params=params)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    for entry in reversed(result["items"]):
        print(f"{entry['seq']:>6} {entry['method']:<6} {entry['status']:>3} "
              f"{entry['durationMs']:>8.1f}ms "
              f"{'t' + str(entry['tenant']) if entry['tenant'] else 'erp'} {entry['path']}"
              + (f"?{entry['query']}" if entry["query"] else "")
              + (f"  [fault: {', '.join(entry['faults'])}]" if entry["faults"] else ""))
    return 0


def cmd_fault(args: argparse.Namespace) -> int:
    if args.action == "list":
        result = _admin(args, "GET", "/faults")
    elif args.action == "clear":
        result = _admin(args, "DELETE", "/faults")
    else:
        body = {k: v for k, v in {
            "kind": args.kind, "operation": args.operation, "tenant": args.tenant,
            "status": args.status, "retryAfter": args.retry_after, "latencyMs": args.latency_ms,
            "times": args.times, "percent": args.percent}.items() if v is not None}
        result = _admin(args, "POST", "/faults", body)
    print(json.dumps(result, indent=2))
    return 0


def cmd_expire_tokens(args: argparse.Namespace) -> int:
    print(json.dumps(_admin(args, "POST", "/tokens/expire")))
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    import requests

    url = args.url or os.environ.get(URL_ENV) or "http://127.0.0.1:{}".format(
        config.env_int("B2B_MOCK_PORT", config.DEFAULT_PORT, minimum=1, maximum=65535))
    try:
        answer = requests.get(url.rstrip("/") + "/_mock/health", timeout=args.timeout)
    except requests.Timeout:
        print(f"b2b-mock health: {url} does not answer within {args.timeout:g} s",
              file=sys.stderr)
        return 1
    except requests.RequestException:
        print(f"b2b-mock health: {url} does not answer (nothing listens there)",
              file=sys.stderr)
        return 1
    if answer.status_code != 200:
        print(f"b2b-mock health: {url} answered {answer.status_code}", file=sys.stderr)
        return 1
    print(answer.text)
    return 0


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def token_option(verb: argparse.ArgumentParser) -> None:
    verb.add_argument("--admin-token", metavar="TOKEN",
                      help=f"the server's operator token (default: ${ADMIN_TOKEN_ENV})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="b2b-mock", description="A stateful mock of the B2B accounts API "
        "(commerce/customer/b2baccounts), with auth tickets, tenants and operator controls.")
    parser.add_argument("--version", action="version", version=f"b2b-mock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve", help="start the server",
        description="Start the server. Every option's default can be set in the environment "
        "(the variable in brackets), as a container is configured.")
    serve.add_argument("--host", default=config.env_text("B2B_MOCK_HOST", config.DEFAULT_HOST),
                       help="address to listen on (default: %(default)s, this machine only; "
                            "0.0.0.0 serves every network and then needs an operator token) "
                            "[B2B_MOCK_HOST]")
    serve.add_argument("--port", type=int, default=config.env_int(
        "B2B_MOCK_PORT", config.DEFAULT_PORT, minimum=1, maximum=65535),
        help="port to listen on (default: %(default)s) [B2B_MOCK_PORT]")
    serve.add_argument("--admin-token", metavar="TOKEN",
                       help=f"require this token on the operator API (/_mock) "
                            f"[{ADMIN_TOKEN_ENV}, which keeps it out of the process list]. "
                            "Without one, a server on another address than this machine's "
                            "makes one up and prints it once")
    serve.add_argument("--allowed-host", action="append", metavar="NAME",
                       default=[h for h in config.env_text("B2B_MOCK_ALLOWED_HOSTS", "")
                                .replace(",", " ").split() if h],
                       help="another host name the operator API and the demo page answer to "
                            "(besides localhost, IP addresses and the --host); * for any "
                            "[B2B_MOCK_ALLOWED_HOSTS, comma-separated]")
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--db", default=config.env_text("B2B_MOCK_DB", str(config.DEFAULT_DB)),
                       help="TinyDB file to keep data in (default: %(default)s) [B2B_MOCK_DB]")
    where.add_argument("--memory", action="store_true",
                       default=config.env_flag("B2B_MOCK_MEMORY", False),
                       help="keep data in memory only [B2B_MOCK_MEMORY=1]")
    serve.add_argument("--seed", default=config.env_text("B2B_MOCK_SEED", "") or None,
                       help="seed file loaded when the store is empty [B2B_MOCK_SEED]")
    serve.add_argument("--erp-seed", default=config.env_text("B2B_MOCK_ERP_SEED", "") or None,
                       help="customer documents (a JSON file or a folder of them) loaded into "
                            "the ERP twin when it is empty [B2B_MOCK_ERP_SEED]")
    serve.add_argument("--tenant", type=int, default=config.env_int(
        "B2B_MOCK_TENANT", 1, minimum=1),
        help="tenant of calls without x-vol-tenant (default: %(default)s) [B2B_MOCK_TENANT]")
    serve.add_argument("--no-auth", action="store_true",
                       default=not config.env_flag("B2B_MOCK_AUTH", True),
                       help="accept calls without a bearer token (announced at start-up) "
                            "[B2B_MOCK_AUTH=0]")
    serve.add_argument("--token-lifetime", type=float,
                       help="seconds an access ticket lives (default 3600) "
                            "[B2B_MOCK_TOKEN_LIFETIME]")
    serve.add_argument("--journal-size", type=int, default=config.env_int(
        "B2B_MOCK_JOURNAL_SIZE", 1000, minimum=1),
        help="calls kept in the request journal (default: %(default)s) "
             "[B2B_MOCK_JOURNAL_SIZE]")
    serve.add_argument("--max-body", type=_size, metavar="SIZE",
                       default=config.env_text("B2B_MOCK_MAX_BODY", str(DEFAULT_MAX_BODY)),
                       help="largest request body read, e.g. 10MiB, 512K (default: 10MiB); "
                            "larger ones are answered 413 before they are read "
                            "[B2B_MOCK_MAX_BODY]")
    serve.add_argument("--max-import-body", type=_size, metavar="SIZE",
                       default=config.env_text("B2B_MOCK_MAX_IMPORT_BODY",
                                               str(DEFAULT_MAX_IMPORT_BODY)),
                       help="the same for PUT /_mock/state and POST /_mock/seed "
                            "(default: 256MiB) [B2B_MOCK_MAX_IMPORT_BODY]")
    serve.add_argument("--idle-timeout", type=int, metavar="SECONDS", default=config.env_int(
        "B2B_MOCK_IDLE_TIMEOUT", 5, minimum=1),
        help="close a connection idle this long (default: %(default)s) [B2B_MOCK_IDLE_TIMEOUT]")
    serve.add_argument("--request-timeout", type=float, default=30, metavar="SECONDS",
                       help="a request must arrive whole, and an answer be read on, within "
                            "this time (default: %(default)s)")
    serve.add_argument("--max-connections", type=int, metavar="N", default=config.env_int(
        "B2B_MOCK_MAX_CONNECTIONS", 256, minimum=1),
        help="connections served at once; past them requests are answered 503 "
             "(default: %(default)s) [B2B_MOCK_MAX_CONNECTIONS]")
    serve.add_argument("--no-speedups", action="store_true",
                       help="serve with stock Connexion, none of the speed-ups "
                            "[B2B_MOCK_SPEEDUPS=0]")
    serve.add_argument("--log-level", default=config.env_text("B2B_MOCK_LOG_LEVEL", "warning"),
                       choices=["critical", "error", "warning", "info", "debug", "trace"],
                       help="uvicorn's log level (default: %(default)s) [B2B_MOCK_LOG_LEVEL]")
    serve.add_argument("--access-log", action="store_true",
                       default=config.env_flag("B2B_MOCK_ACCESS_LOG", False),
                       help="log every request [B2B_MOCK_ACCESS_LOG=1]")
    serve.set_defaults(func=cmd_serve)

    def data_verb(name: str, helptext: str) -> argparse.ArgumentParser:
        verb = sub.add_parser(name, help=helptext)
        target = verb.add_mutually_exclusive_group()
        target.add_argument("--db", help=f"database file (default: {config.DEFAULT_DB}, "
                                          f"unless ${URL_ENV} names a running server)")
        target.add_argument("--url", help=f"a running server, e.g. {DEFAULT_URL}")
        token_option(verb)
        return verb

    reset = data_verb("reset", "drop all data, or one tenant's")
    reset.add_argument("--tenant", type=int, help="only this tenant")
    reset.set_defaults(func=cmd_reset)

    seed = data_verb("seed", "add the accounts and users of a seed file")
    seed.add_argument("file")
    seed.add_argument("--tenant", type=int, default=1,
                      help="tenant for seed parts that name none (default: %(default)s)")
    seed.set_defaults(func=cmd_seed)

    export = data_verb("export", "write the whole state as JSON")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=cmd_export)

    imp = data_verb("import", "replace the whole state with an export")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)

    journal = sub.add_parser("journal", help="show (or clear) a running server's journal")
    journal.add_argument("--url", default=_server_url(),
                        help=f"the running server (default: ${URL_ENV} or {DEFAULT_URL})")
    token_option(journal)
    journal.add_argument("--operation", help="only this operationId")
    journal.add_argument("--tenant", type=int)
    journal.add_argument("--limit", type=int, default=50)
    journal.add_argument("--json", action="store_true", help="print entries as JSON")
    journal.add_argument("--clear", action="store_true")
    journal.set_defaults(func=cmd_journal)

    fault = sub.add_parser("fault", help="inject faults into a running server")
    fault.add_argument("action", choices=["add", "list", "clear"])
    fault.add_argument("--url", default=_server_url(),
                        help=f"the running server (default: ${URL_ENV} or {DEFAULT_URL})")
    token_option(fault)
    fault.add_argument("--kind", choices=list(FAULT_KINDS),
                       help="; ".join(f"{name}: {kind.description}"
                                      for name, kind in FAULT_KINDS.items()))
    fault.add_argument("--operation", help="operationId, or * (default)")
    fault.add_argument("--tenant", type=int)
    fault.add_argument("--status", type=int)
    fault.add_argument("--retry-after", type=int)
    fault.add_argument("--latency-ms", type=int)
    fault.add_argument("--times", type=int)
    fault.add_argument("--percent", type=float)
    fault.set_defaults(func=cmd_fault)

    health = sub.add_parser(
        "health", help="exit 0 when a server answers its health check (a container's "
        "HEALTHCHECK)")
    health.add_argument("--url", help=f"the server (default: ${URL_ENV}, else this host on "
                                      "the port of B2B_MOCK_PORT or 8080)")
    health.add_argument("--timeout", type=float, default=3.0)
    health.set_defaults(func=cmd_health)

    expire = sub.add_parser("expire-tokens", help="expire every ticket of a running server")
    expire.add_argument("--url", default=_server_url(),
                        help=f"the running server (default: ${URL_ENV} or {DEFAULT_URL})")
    token_option(expire)
    expire.set_defaults(func=cmd_expire_tokens)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Connexion imports Starlette's test client at import, and Starlette 1.x warns there that it
    # prefers httpx2 to httpx: nothing a user of the command can act on.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    try:
        args = build_parser().parse_args(argv)
    except config.SettingError as exc:
        print(f"b2b-mock: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "action", None) == "add" and not args.kind:
        raise SystemExit("b2b-mock fault add: --kind is required")
    try:
        return int(args.func(args))
    except Refused as exc:
        print(f"b2b-mock: {exc}", file=sys.stderr)
        return exc.status
    except config.SettingError as exc:
        print(f"b2b-mock: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("b2b-mock: stopped" if args.command == "serve" else "b2b-mock: interrupted",
              file=sys.stderr)
        return 130
    except BrokenPipeError:  # its output went to a reader that stopped reading (| head)
        sys.stderr.close()
        return 1
    except OSError as exc:  # a file to write that cannot be
        print(f"b2b-mock: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
