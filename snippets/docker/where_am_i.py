import os
import platform
from pathlib import Path

from prefect import flow


def memory_limit() -> str:
    """The memory limit of this machine or container, as its control group says
    (cgroup v2, then v1)."""
    for path in (
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ):
        if Path(path).exists():
            value = Path(path).read_text().strip()
            if value == "max" or int(value) >= 2**60:
                return "none"
            return f"{int(value) // 2**20} MiB"
    return "unknown"


@flow(log_prints=True)
def where_am_i() -> None:
    system = platform.freedesktop_os_release()["PRETTY_NAME"]
    print(f"In a container: {Path('/.dockerenv').exists()}, on {system}")
    print(f"GREETING: {os.environ.get('GREETING', '(not set)')}")
    print(f"Memory limit: {memory_limit()}")
    print(f"Prefect API: {os.environ.get('PREFECT_API_URL', '(not set)')}")


if __name__ == "__main__":
    where_am_i()
