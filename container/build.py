"""Build the b2b-mock container image with podman, on this machine as it is.

    python3 container/build.py [--image localhost/b2b-mock:latest] [--base IMAGE]

With the default base (``localhost/b2b-mock-base:bookworm``) the base is first made from Debian
packages by ``container/base-image.sh`` (debootstrap, as root), for machines that reach Debian's
archive but no container registry. Any other base (``python:3.11-slim``) is pulled as usual.

Some machines need podman options to run a container at all (an OCI runtime that copes with
their cgroups, resource limits no higher than the process may set). The script tries a short
list of option sets on the base image, keeps the first that runs a container, builds with it,
and writes it to ``build/container/podman.json`` (``{"global": [...], "run": [...]}``) for
``podman run``; it prints the command that runs the image.

Standard library only: it runs before any virtual environment exists.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEBIAN_BASE = "localhost/b2b-mock-base:bookworm"
OPTIONS_FILE = ROOT / "build" / "container" / "podman.json"


def low_limits() -> list[str]:
    """``--ulimit`` options no higher than this process's own hard limits: podman asks for
    more by default, which a process without CAP_SYS_RESOURCE may not set."""
    nofile = min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], 8192)
    nproc = min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 4096)
    return [f"--ulimit=nofile={nofile}:{nofile}", f"--ulimit=nproc={nproc}:{nproc}"]


def candidates() -> list[tuple[list[str], list[str]]]:
    """Option sets to try, (global options, run options), plainest first."""
    limits = low_limits()
    return [([], []), ([], limits), (["--runtime=runc"], []), (["--runtime=runc"], limits),
            (["--runtime=runc", "--cgroup-manager=cgroupfs"], limits + ["--cgroups=disabled"])]


def podman(*args: str, check: bool = True, quiet: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["podman", *args], check=check, text=True,
                          capture_output=quiet)


def probe(image: str) -> tuple[list[str], list[str]]:
    """The first option set with which podman runs ``true`` in ``image``."""
    failures = []
    for global_options, run_options in candidates():
        done = podman(*global_options, "run", "--rm", *run_options, image, "true",
                      check=False, quiet=True)
        if done.returncode == 0:
            return global_options, run_options
        failures.append(f"  podman {shlex.join(global_options + ['run'] + run_options)}: "
                        f"{done.stderr.strip().splitlines()[-1:] or done.returncode}")
    raise SystemExit("container/build.py: podman cannot run a container here; tried:\n"
                     + "\n".join(failures))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", default="localhost/b2b-mock:latest")
    parser.add_argument("--base", default=DEBIAN_BASE,
                        help="base image (default: %(default)s, made from Debian packages)")
    parser.add_argument("--quiet", action="store_true", help="only errors and the image id")
    args = parser.parse_args(argv)

    if args.base == DEBIAN_BASE:
        subprocess.run([str(ROOT / "container" / "base-image.sh"), DEBIAN_BASE], check=True)
    elif podman("image", "exists", args.base, check=False).returncode != 0:
        podman("pull", *(["--quiet"] if args.quiet else []), args.base)
    global_options, run_options = probe(args.base)
    OPTIONS_FILE.parent.mkdir(parents=True, exist_ok=True)
    OPTIONS_FILE.write_text(json.dumps({"global": global_options, "run": run_options}) + "\n")
    # Docker's image format: OCI's has no HEALTHCHECK.
    build = [*global_options, "build", "--format=docker", f"--build-arg=BASE={args.base}",
             *[o for o in run_options if o.startswith("--ulimit")], "--tag", args.image]
    podman(*build, *(["--quiet"] if args.quiet else []), str(ROOT))
    if not args.quiet:
        print(f"\nbuilt {args.image}; run it with\n  podman "
              + shlex.join(global_options + ["run", "--rm"] + run_options
                           + ["-p", "8080:8080", "-v", "b2b-mock-data:/data", args.image]),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
