"""A Docker Engine of the tests' own, and the Prefect image the Docker page builds on.

The engine is Debian's `dockerd` (package docker.io), started with a throwaway socket,
data root and exec root, so that it never touches a Docker the machine may run, and
stopped by its PID. It makes no bridge network and no firewall rules: the page's
containers run on the host network (prefect-docker's choice on Linux when the API
is on 127.0.0.1), and started inside the reader's private network namespace, that
host network is the reader's own, where nothing listens beyond 127.0.0.1.

No image registry is reachable from the machines this site is tested on, so the tests
cannot pull the official `prefecthq/prefect` image that the page's Dockerfile starts
FROM. `give_prefect_image()` stands one in under the same name: Debian trixie (Python
3.13, as the official image has) from `debootstrap`, imported with `docker import`,
with Prefect installed from the versions uv.lock pins (uv installs them into the root
filesystem before the import: no network inside a build). The page says so. The
root filesystem is kept as an archive between runs, keyed by the Prefect version: a
fresh machine (CI's) makes it once, for the journey and the benchmark.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from importlib.metadata import version
from pathlib import Path

from harness.prefect_server import forget, remember, run_in_group
from harness.uv import write_locked_versions
from harness.waiting import WaitedTooLong, wait_until

PYTHON = "3.13"
PREFECT_IMAGE = f"prefecthq/prefect:{version('prefect')}-python{PYTHON}"
"""The official image the page's Dockerfile starts FROM."""
DEBIAN = "trixie"  # Debian's release with Python 3.13
DEBIAN_MIRROR = "http://deb.debian.org/debian"
# What the official image sets that a container sees: its folder, a UTF-8 locale, and
# an entrypoint that runs the container's command (`docker run IMAGE -- prefect ...`,
# as the server page types it, works: bash's exec takes the `--`).
IMAGE_SETTINGS = [
    "WORKDIR /opt/prefect",
    "ENV LANG=C.UTF-8",
    "ENV LC_ALL=C.UTF-8",
    'ENTRYPOINT ["/opt/prefect/entrypoint.sh"]',
]
ENTRYPOINT = """\
#!/usr/bin/env bash
set -e
exec "$@"
"""
# Part of the archive's name: a change to how the image is made makes a new archive.
RECIPE = hashlib.sha256(
    "\n".join([DEBIAN, *IMAGE_SETTINGS, ENTRYPOINT]).encode()
).hexdigest()[:8]


def missing_tools() -> list[str]:
    """The Debian packages the Docker page's tests need and this machine lacks."""
    needed = {"dockerd": "docker.io", "debootstrap": "debootstrap"}
    return [package for tool, package in needed.items() if not shutil.which(tool)]


class ThrowawayDocker:
    """`dockerd` on a socket of its own, run with `wrap` (a network namespace).

    With `networks` (inside a private network namespace only), it makes Docker's
    default bridge network and its firewall rules there, so that `docker run -p`
    publishes ports as on a reader's machine."""

    def __init__(
        self,
        *,
        wrap: tuple[str, ...] = (),
        socket: Path | None = None,
        networks: bool = False,
    ):
        missing = missing_tools()
        if missing:
            raise RuntimeError(
                f"Docker's tests need {', '.join(missing)}: "
                f"`apt-get install {' '.join(missing)}` (.ci/run does)"
            )
        if networks and not wrap:
            # Docker's networks bring firewall rules: only in a private namespace.
            raise ValueError("networks=True needs a private network namespace (wrap)")
        self.wrap = wrap
        self.networks = networks
        self.root = Path(tempfile.mkdtemp(prefix="learn-prefect-docker-"))
        self.socket = socket or self.root / "docker.sock"
        self.host = f"unix://{self.socket}"
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        """The environment of a `docker` command that talks to this engine."""
        return {**os.environ, "DOCKER_HOST": self.host}

    def start(self) -> None:
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        log = (self.root / "dockerd.log").open("wb")
        self.process = subprocess.Popen(
            [
                *self.wrap,
                "dockerd",
                "--host",
                self.host,
                "--data-root",
                str(self.root / "data"),
                "--exec-root",
                str(self.root / "exec"),
                "--pidfile",
                str(self.root / "dockerd.pid"),
                *(
                    ()
                    if self.networks
                    # No bridge, no firewall rules: containers use the host network.
                    else ("--bridge=none", "--iptables=false")
                ),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        remember(self, self.stop)

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError("dockerd stopped at start:\n" + self.log())
            return self.docker("version", check=False).returncode == 0

        wait_until(answers, timeout=60, interval=0.2, what="dockerd answering")

    def docker(
        self, *argv: str, check: bool = True, timeout: float = 600, **run: object
    ) -> subprocess.CompletedProcess:
        done = subprocess.run(
            ["docker", *argv],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            **run,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"docker {' '.join(argv)} failed ({done.returncode}):\n"
                + done.stdout
                + done.stderr
            )
        return done

    def log(self) -> str:
        path = self.root / "dockerd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            # Remove the containers first (a run left going keeps its mounts busy),
            # then SIGTERM: dockerd's own shutdown, which stops its containerd.
            listed = self.docker("ps", "--all", "--quiet", check=False, timeout=60)
            if listed.returncode == 0 and listed.stdout.split():
                self.docker(
                    "rm", "--force", *listed.stdout.split(), check=False, timeout=120
                )
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, sig)
                with contextlib.suppress(WaitedTooLong):
                    wait_until(
                        lambda: process.poll() is not None,
                        timeout=60,
                        interval=0.1,
                        what=f"dockerd (PID {process.pid}) stopping",
                    )
                if process.poll() is not None:
                    break
            # containerd and its shims are dockerd's children in its session.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        forget(self)
        self._unmount()
        shutil.rmtree(self.root, ignore_errors=True)

    def _unmount(self) -> None:
        """Unmount what an engine that was killed left mounted under its root."""
        mounts = Path("/proc/self/mounts").read_text().splitlines()
        for line in reversed(mounts):
            point = line.split()[1]
            if point.startswith(str(self.root)):
                subprocess.run(["umount", "--lazy", point], capture_output=True)

    def __enter__(self) -> ThrowawayDocker:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# The image --------------------------------------------------------------------------
ARCHIVE_LOCK = threading.Lock()  # one maker per process; the file lock: per machine


def image_archive_path() -> Path:
    """Where the image's root filesystem is kept, as a tar archive, keyed by the
    Prefect version: made once per machine (a fresh one, as CI's, makes it anew)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = PREFECT_IMAGE.replace("/", "-").replace(":", "-")
    return base / "learn-prefect" / f"{name}-rootfs-{RECIPE}.tar"


def image_archive() -> Path:
    """The root filesystem's archive, made if it is not there yet. The journey and
    the benchmark both need it, in processes of their own and maybe at the same
    time: the first makes it, the other waits for it."""
    archive = image_archive_path()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with ARCHIVE_LOCK, (archive.parent / f"{archive.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not archive.exists():
            folder = Path(tempfile.mkdtemp(prefix="learn-prefect-image-"))
            remember(folder, lambda: shutil.rmtree(folder, ignore_errors=True))
            try:
                root = _root_filesystem(folder)
                partial = archive.with_suffix(".partial")
                _run(
                    ["tar", "-C", str(root), "-c", "-f", str(partial), "."],
                    cwd=folder,
                    timeout=600,
                    what="tar of the image",
                )
                partial.replace(archive)
            finally:
                forget(folder)
                shutil.rmtree(folder, ignore_errors=True)
    return archive


def give_prefect_image(engine: ThrowawayDocker) -> float:
    """Give `engine` the image PREFECT_IMAGE names (made first if need be).
    Returns the seconds the import took."""
    archive = image_archive()
    started = time.monotonic()
    changes = [arg for setting in IMAGE_SETTINGS for arg in ("-c", setting)]
    engine.docker("import", *changes, str(archive), PREFECT_IMAGE)
    return time.monotonic() - started


def _root_filesystem(folder: Path) -> Path:
    """Debian with Python 3.13 and Prefect (its version and its dependencies' as
    uv.lock has them), in `folder`: what the image holds."""
    root = folder / "rootfs"
    _run(
        [
            "debootstrap",
            "--variant=minbase",
            "--include=python3,ca-certificates",
            DEBIAN,
            str(root),
            DEBIAN_MIRROR,
        ],
        cwd=folder,
        timeout=900,
        what=f"debootstrap {DEBIAN}",
    )
    site_packages = root / f"usr/local/lib/python{PYTHON}/dist-packages"
    constraints = write_locked_versions(folder / "constraints.txt")
    _run(
        [
            "uv",
            "pip",
            "install",
            "--quiet",
            "--python-platform",
            f"{os.uname().machine}-manylinux_2_28",
            "--python-version",
            PYTHON,
            "--target",
            str(site_packages),
            "--compile-bytecode",
            "--constraints",
            str(constraints),
            f"prefect=={version('prefect')}",
        ],
        cwd=folder,
        timeout=600,
        what="installing Prefect into the image",
    )
    # uv wrote the `prefect` command for this machine's Python: make it the image's.
    script = site_packages / "bin" / "prefect"
    body = script.read_text().split("\n", 1)[1]
    command = root / "usr/local/bin/prefect"
    command.write_text(f"#!/usr/bin/python3\n{body}")
    command.chmod(0o755)
    shutil.rmtree(site_packages / "bin")
    (root / "opt/prefect").mkdir(parents=True, exist_ok=True)
    entrypoint = root / "opt/prefect/entrypoint.sh"
    entrypoint.write_text(ENTRYPOINT)
    entrypoint.chmod(0o755)
    # The packages debootstrap downloaded: not in an image.
    for package in (root / "var/cache/apt/archives").glob("*.deb"):
        package.unlink()
    return root


def _run(argv: list[str], *, cwd: Path, timeout: float, what: str) -> None:
    """A step of making the image, in a process group of its own that the end of a
    session stops (also when it is interrupted); its output only if it fails."""
    done = run_in_group(
        argv, env=dict(os.environ), cwd=cwd, timeout=timeout, merge_stderr=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}")


class ImageInBackground:
    """Make the image's archive while the journey follows the pages before the
    Docker page: it takes a minute or two, mostly waiting for Debian's mirror."""

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._make, daemon=True)
        self.thread.start()

    def _make(self) -> None:
        try:
            image_archive()
        except BaseException as error:  # handed to wait()
            self.error = error

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error
