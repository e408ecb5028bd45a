"""The b2b-mock command: offline data verbs on a file, and the same verbs on a running server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mock_server.testing.process import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed_accounts.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mock_server", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_help_lists_the_verbs() -> None:
    result = run("--help")
    assert result.returncode == 0
    for verb in ("serve", "reset", "seed", "export", "import", "journal", "fault"):
        assert verb in result.stdout
    assert "--no-auth" in run("serve", "--help").stdout


def test_seed_export_reset_import_on_a_file(tmp_path) -> None:
    db = str(tmp_path / "db.json")
    assert json.loads(run("seed", str(SEED), "--db", db).stdout) == {"accounts": 3, "users": 5, "contacts": 2}
    exported = tmp_path / "state.json"
    assert run("export", "--db", db, "-o", str(exported)).returncode == 0
    state = json.loads(exported.read_text())
    assert len(state["tables"]["t1/accounts"]) == 3
    assert json.loads(run("reset", "--db", db).stdout)["droppedTables"] >= 4
    assert json.loads(run("export", "--db", db).stdout)["tables"] == {}
    assert run("import", str(exported), "--db", db).returncode == 0
    assert json.loads(run("export", "--db", db).stdout) == state


def test_a_bad_seed_says_why(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"accounts": [{"externalId": "C1"}]}))
    result = run("seed", str(bad), "--db", str(tmp_path / "db.json"))
    assert result.returncode != 0 and "companyOrOrganization" in result.stderr


@pytest.mark.slow
def test_verbs_against_a_running_server(tmp_path) -> None:
    db = tmp_path / "db.json"
    with ServerProcess(db, seed=SEED) as server:
        locked = run("reset", "--db", str(db))
        assert locked.returncode != 0 and "--url" in locked.stderr
        added = run("fault", "add", "--url", server.url, "--kind", "status", "--status", "503",
                    "--operation", "GetB2BAccounts")
        assert json.loads(added.stdout)["status"] == 503
        assert "503" in run("fault", "list", "--url", server.url).stdout
        run("fault", "clear", "--url", server.url)
        requests.get(server.url + "/api/commerce/customer/b2baccounts", timeout=5)
        journal = run("journal", "--url", server.url)
        assert "GET" in journal.stdout and "401" in journal.stdout
        assert json.loads(run("reset", "--url", server.url, "--tenant", "1").stdout)[
            "droppedTables"] >= 4
        state = requests.get(server.url + "/_mock/state", timeout=5).json()
        assert not any(name.startswith("t1/") for name in state["tables"])


def test_a_bad_setting_in_the_environment_is_named_and_nothing_starts() -> None:
    for name, value, words in (("B2B_MOCK_PORT", "eighty", "is not a whole number"),
                               ("B2B_MOCK_PORT", "70000", "is out of range"),
                               ("B2B_MOCK_AUTH", "maybe", "is not one of"),
                               ("B2B_MOCK_TOKEN_LIFETIME", "soon", "is not a number")):
        result = subprocess.run([sys.executable, "-m", "mock_server", "serve", "--memory"],
                                capture_output=True, text=True, timeout=60, cwd=ROOT,
                                env={**os.environ, name: value})
        assert result.returncode == 2, (name, value, result.stderr)
        assert f"{name}='{value}' {words}" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_serve_takes_its_settings_from_the_environment(tmp_path) -> None:
    env = {"B2B_MOCK_TENANT": "7", "B2B_MOCK_AUTH": "0", "B2B_MOCK_SEED": str(SEED),
           "B2B_MOCK_JOURNAL_SIZE": "2"}
    with ServerProcess(env=env) as server:
        health = requests.get(server.url + "/_mock/health", timeout=5).json()
        assert (health["defaultTenant"], health["auth"]) == (7, False)
        # no ticket needed; the seed names its tenant, 1
        listed = requests.get(server.url + "/api/commerce/customer/b2baccounts", timeout=5,
                              headers={"x-vol-tenant": "1"})
        assert listed.status_code == 200 and listed.json()["totalCount"] == 3
        for _ in range(3):
            requests.get(server.url + "/api/commerce/customer/b2baccounts", timeout=5)
        assert len(requests.get(server.url + "/_mock/journal", timeout=5).json()["items"]) == 2
        checked = run("health", "--url", server.url)
        assert checked.returncode == 0 and '"status":"ok"' in checked.stdout.replace(" ", "")
    down = run("health", "--url", server.url, "--timeout", "1")
    assert down.returncode == 1 and "does not answer" in down.stderr


def test_every_setting_the_container_docs_name_is_one_the_command_reads() -> None:
    """A variable in the README, the Containerfile or compose.yaml that nothing reads would be
    a setting silently ignored."""
    import re

    read = set(re.findall(r"B2B_MOCK_[A-Z_]+", "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "mock_server").glob("*.py"))))
    for doc in ("README.md", "Containerfile", "compose.yaml"):
        named = set(re.findall(r"B2B_MOCK_[A-Z_]+", (ROOT / doc).read_text(encoding="utf-8")))
        assert named and named <= read, (doc, named - read)


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """The command ended on a user's mistake as it should: a sentence, no traceback."""
    assert result.returncode not in (0, None), result
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.stderr.startswith("b2b-mock: "), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_both_commands_say_their_version() -> None:
    from mock_server import __version__

    assert run("--version").stdout.strip() == f"b2b-mock {__version__}"
    sync = subprocess.run([sys.executable, "-m", "sync_client.cli", "--version"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert sync.returncode == 0 and sync.stdout.startswith("b2b-sync ")


def test_no_server_there() -> None:
    from mock_server.testing.process import free_port

    url = f"http://127.0.0.1:{free_port()}"
    refused(run("journal", "--url", url), "no b2b-mock answers at " + url, "B2B_MOCK_URL")
    refused(run("expire-tokens", "--url", url), "no b2b-mock answers")
    refused(run("reset", "--url", url), "no b2b-mock answers")
    # the environment names the server the client verbs talk to
    env_run = subprocess.run([sys.executable, "-m", "mock_server", "journal"],
                             capture_output=True, text=True, timeout=60, cwd=ROOT,
                             env={**__import__("os").environ, "B2B_MOCK_URL": url})
    refused(env_run, "no b2b-mock answers at " + url)


def test_files_that_are_missing_or_not_what_they_should_be(tmp_path) -> None:
    db = str(tmp_path / "db.json")
    not_json = tmp_path / "not.json"
    not_json.write_text("{'accounts': []}")
    misshapen = tmp_path / "misshapen.json"
    misshapen.write_text(json.dumps({"accounts": [{"users": "markz@test.com"}]}))
    refused(run("seed", str(tmp_path / "missing.json"), "--db", db), "missing.json",
            "No such file")
    refused(run("seed", str(not_json), "--db", db), "not.json", "not JSON")
    refused(run("seed", str(misshapen), "--db", db), "misshapen.json", "'users'")
    refused(run("import", str(misshapen), "--db", db), "not a b2b-mock export")
    for seed, words in ((tmp_path / "missing.json", ("missing.json", "No such file")),
                        (not_json, ("not.json", "not JSON")),
                        (misshapen, ("misshapen.json", "'users'", "list of objects"))):
        refused(run("serve", "--memory", "--port", "0", "--seed", str(seed)), *words)
    refused(run("export", "--db", db, "-o", str(tmp_path / "no" / "such" / "dir.json")),
            "No such file")


@pytest.mark.parametrize("content, words", [
    ("garbage{", ("is not a b2b-mock database", "not JSON")),
    ('["a list"]', ("is not a b2b-mock database", "list")),
    ('{"t1/accounts": {"1001": "text"}}', ("is not a b2b-mock database", "t1/accounts")),
    (b"\xff\xfe", ("is not a b2b-mock database", "UTF-8")),
])
def test_a_corrupt_database_file_is_named_with_what_is_wrong(tmp_path, content, words) -> None:
    db = tmp_path / "b2b-mock.json"
    db.write_bytes(content if isinstance(content, bytes) else content.encode())
    refused(run("serve", "--db", str(db), "--port", "0"), str(db), *words)
    refused(run("export", "--db", str(db)), str(db), *words)


def test_a_damaged_log_is_named_rather_than_cut_short(tmp_path) -> None:
    db = tmp_path / "b2b-mock.json"
    assert run("seed", str(SEED), "--db", str(db)).returncode == 0
    log = db.with_name(db.name + ".journal")
    line = json.dumps([["put", "t1/accounts", 5000, {"id": 5000}]])
    log.write_text(line + "\n" + "not a transaction\n" + line + "\n")
    refused(run("export", "--db", str(db)), f"{log} line 2", "damaged")
    log.write_text(line + "\n" + '[["put", "t1/acc')  # a torn last line: a crash, dropped
    assert run("export", "--db", str(db)).returncode == 0


@pytest.mark.slow
def test_a_port_in_use_is_said_before_the_banner() -> None:
    with ServerProcess() as server:
        result = run("serve", "--memory", "--port", str(server.port))
    refused(result, f"port {server.port}", "in use", "--port")
    assert "serving on" not in result.stdout


@pytest.mark.slow
def test_ctrl_c_stops_a_server_and_a_command_without_a_traceback(tmp_path) -> None:
    import signal
    import time

    from mock_server.testing.process import free_port

    big = tmp_path / "big.json"
    big.write_text(json.dumps({"accounts": [
        {"companyOrOrganization": f"C{i}", "users": [{"emailAddress": f"u{j}@c{i}.example"}
                                                     for j in range(5)]}
        for i in range(3000)]}))
    port = free_port()
    for extra, wait in (([], 3.0), (["--seed", str(big)], 1.0)):  # serving, and loading
        process = subprocess.Popen([sys.executable, "-m", "mock_server", "serve", "--memory",
                                    "--port", str(port), *extra], cwd=ROOT, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(wait)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 130, (out, err)
        assert "Traceback" not in err and "b2b-mock: stopped" in err, err
