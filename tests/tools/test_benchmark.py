"""scripts/benchmark.py, the measurements behind the "What Prefect costs" page.

Its quick mode runs for real (its own servers, worker and flows), into temporary
paths: the figures and plots committed for the page are never touched. The checks are
about the shape of what it writes and prints, never about how fast this machine is.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import xml.etree.ElementTree as ElementTree
from concurrent.futures import Future
from importlib.metadata import version
from pathlib import Path

import pytest

from harness import REPO
from harness.quick_benchmark import Quick, fingerprints, run_benchmark

PLOTS = ["startup.svg", "per_task.svg", "task_runners.svg", "deployment_latency.svg"]
STATS = {"median", "min", "max", "samples"}
SIZES = [1, 10, 100]  # the quick mode's numbers of tasks
# What the server made of the task runs: no event dropped, all stored at once.
MAY_BE_0 = (".dropped_events", ".caught_up_after_s")


@pytest.fixture(scope="module")
def quick(quick_benchmark: Future) -> Quick:
    run, result = quick_benchmark.result(timeout=900)
    assert run.returncode == 0 and result is not None, run.stdout + run.stderr
    return result


def test_the_committed_figures_and_plots_are_left_alone(quick: Quick) -> None:
    assert len(quick.committed_before) == 1 + len(PLOTS)
    assert quick.committed_before == fingerprints()


def test_every_figure_is_there(quick: Quick) -> None:
    f = quick.figures
    assert f["mode"] == "quick"
    assert f["command"] == "uv run python scripts/benchmark.py --quick"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", f["measured_on"])

    machine = f["machine"]
    assert set(machine) == {
        "cpu",
        "cores",
        "ram_gib",
        "os",
        "python",
        "prefect",
        "prefect_dask",
        "dask",
    }
    assert machine["prefect"] == version("prefect")
    assert machine["cpu"] and machine["cores"] >= 1

    startup = f["startup"]
    for figure in (
        "plain_hello_world_s",
        "import_prefect_s",
        "import_prefect_uncached_s",
        "hello_flow_temporary_server_s",
        "hello_flow_running_server_s",
        "server_start_new_database_s",
        "server_start_existing_database_s",
    ):
        assert set(startup[figure]) == STATS, figure
    assert set(startup["ratios"]) == {
        "temporary_vs_running_server",
        "running_server_vs_plain_python",
        "import_share_of_running_server",
        "import_uncached_vs_cached",
    }

    per_task = f["per_task"]
    assert per_task["sizes"] == SIZES
    assert set(per_task["ways"]) == {"plain", "call", "submit", "map"}
    for way, by_size in per_task["ways"].items():
        assert set(by_size) == {str(n) for n in SIZES}, way
        for figures in by_size.values():
            assert set(figures["total_s"]) == STATS
            assert set(figures["per_task_ms"]) == STATS
    server = per_task["server"]
    assert set(server) == {
        "task_runs_expected",
        "task_runs_stored",
        "task_runs_completed",
        "caught_up_after_s",
        "dropped_events",
        "event_queue_size",
    }
    assert server["task_runs_expected"] == 3 + 3 * sum(SIZES) * per_task["repeats"]
    assert (
        server["task_runs_completed"]
        <= server["task_runs_stored"]
        <= server["task_runs_expected"]
    )
    assert set(per_task["ratios_at_largest_size"]) == {
        "call_vs_plain",
        "submit_vs_call",
        "map_vs_call",
        "map_vs_submit",
    }

    runners = f["task_runners"]
    assert set(runners["work"]) == {"cpu", "sleep"}
    assert set(runners["workers"]) == {"thread", "process", "dask"}
    for work in runners["work"].values():
        assert set(work["one_call_s"]) == STATS
        assert set(work["serial_plain_python_s"]) == STATS
        assert set(work["runners"]) == {"thread", "process", "dask"}
        assert set(work["speedup_vs_serial"]) == {"thread", "process", "dask"}
        for figures in work["runners"].values():
            assert set(figures["flow_s"]) == STATS
            assert set(figures["submit_to_results_s"]) == STATS

    latency = f["deployment_latency"]
    for mode in ("default", "fast", "docker"):
        for step in (
            "command_s",
            "created_s",
            "picked_up_s",
            "running_s",
            "completed_s",
        ):
            assert set(latency[mode][step]) == STATS, (mode, step)
    assert latency["fast"]["settings"]["PREFECT_WORKER_QUERY_SECONDS"] == "1"
    assert float(latency["default"]["settings"]["PREFECT_WORKER_QUERY_SECONDS"]) > 1
    assert latency["docker"]["settings"] == latency["fast"]["settings"]
    assert latency["docker"]["image_build_s"] > 0
    assert latency["docker"]["base_image_import_s"] > 0
    assert set(latency["ratios"]) == {
        "default_vs_fast",
        "polls_fast_vs_default",
        "docker_vs_process",
    }


def numbers(value: object, where: str = ""):
    """Every number in the figures, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from numbers(item, f"{where}[{index}]")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield where, value


def test_every_measured_number_is_positive_and_finite(quick: Quick) -> None:
    measured = {
        key: quick.figures[key]
        for key in (
            "startup",
            "per_task",
            "task_runners",
            "deployment_latency",
            "wall_time_s",
        )
    }
    found = list(numbers(measured))
    assert len(found) > 100
    bad = [
        (where, n)
        for where, n in found
        if not math.isfinite(n) or n < 0 or (n == 0 and not where.endswith(MAY_BE_0))
    ]
    assert bad == []


def spreads(value: object, where: str = ""):
    """Every {median, min, max, samples} in the figures."""
    if isinstance(value, dict):
        if "median" in value:
            yield where, value
        else:
            for key, item in value.items():
                yield from spreads(item, f"{where}.{key}")


def test_medians_lie_within_their_spread(quick: Quick) -> None:
    found = list(spreads(quick.figures))
    assert len(found) > 40
    for where, s in found:
        assert s["min"] <= s["median"] <= s["max"], where
        assert s["samples"], where
        assert s["median"] == pytest.approx(statistics.median(s["samples"])), where
        assert (s["min"], s["max"]) == (min(s["samples"]), max(s["samples"])), where


def test_the_figures_agree_with_each_other(quick: Quick) -> None:
    per_task = quick.figures["per_task"]
    for way, by_size in per_task["ways"].items():
        for size, figures in by_size.items():
            for total, per in zip(
                figures["total_s"]["samples"],
                figures["per_task_ms"]["samples"],
                strict=True,
            ):
                assert per == pytest.approx(total / int(size) * 1000), (way, size)
    for mode in ("default", "fast", "docker"):
        run = quick.figures["deployment_latency"][mode]
        # Each step of a deployment run comes after the one before.
        assert (
            run["created_s"]["median"]
            < run["picked_up_s"]["median"]
            < run["running_s"]["median"]
            < run["completed_s"]["median"]
        ), mode


def test_the_plots_are_svg_files(quick: Quick) -> None:
    assert sorted(path.name for path in quick.plots.iterdir()) == sorted(PLOTS)
    for name in PLOTS:
        text = (quick.plots / name).read_text()
        root = ElementTree.fromstring(text)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
        # Text stays text (no font embedded), and no date that changes every run.
        assert "<text" in text, name
        assert "<dc:date>" not in text, name
    assert "import prefect" in (quick.plots / "startup.svg").read_text()


def table_labels() -> list[str]:
    labels = [
        "python hello_world.py (plain Python)",
        'python -c "import prefect"',
        "python hello_flow.py, temporary server",
        "python hello_flow.py, running server",
        "prefect server start to /api/health, new database",
        "prefect server start to /api/health, existing database",
    ]
    for way in (
        "plain function call",
        "task called in the flow",
        "task.submit()",
        "task.map()",
    ):
        labels += [f"{way}, {n} task{'s' if n > 1 else ''}: per task" for n in SIZES]
    for kind in ("CPU-bound", "sleeping"):
        labels.append(f"8 {kind} calls one after another (plain Python)")
        for runner in ("ThreadPool", "ProcessPool", "Dask"):
            labels.append(f"8 {kind} tasks, {runner}TaskRunner")
    labels += [
        "prefect deployment run to Completed, default polling",
        "prefect deployment run to Completed, fast polling",
        "prefect deployment run to Completed, Docker worker, fast polling",
    ]
    return labels


def test_the_printed_table_lists_each_measurement(quick: Quick) -> None:
    figure = r"[\d.]+ (?:µs|ms|s)"
    lines = quick.table.splitlines()
    assert lines[0].startswith("Machine: ")
    for label in table_labels():
        row = re.compile(rf"{re.escape(label)}\s+{figure}\s+{figure} - {figure}")
        assert any(row.fullmatch(line) for line in lines), label


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--out", "{tmp}"], "is a folder, name a .json file"),
        (["--out", "{tmp}/figures.txt"], "the figures are JSON, name a .json file"),
        (["--out", "{tmp}/a-file/figures.json"], "is a file, not a folder"),
        (["--plots", "{tmp}/a-file/plots"], "is a file, not a folder"),
        (["--repeats", "3"], "unrecognized arguments: --repeats 3"),
    ],
)
def test_bad_input_is_refused_before_measuring(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    run = run_benchmark(*(a.format(tmp=tmp_path) for a in arguments), timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr
    assert run.stderr.splitlines()[-1].startswith("benchmark.py: error: ")
    assert run.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_machine_without_docker_is_refused_before_measuring(tmp_path: Path) -> None:
    no_tools = tmp_path / "bin"  # a PATH where neither dockerd nor debootstrap is
    no_tools.mkdir()
    out = tmp_path / "figures.json"
    run = run_benchmark(
        "--out", str(out), env={**os.environ, "PATH": str(no_tools)}, timeout=60
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.splitlines()[-1] == (
        "benchmark.py: error: the Docker runs need docker.io, debootstrap: "
        "apt-get install docker.io debootstrap"
    )
    assert run.stdout == ""
    assert not out.exists()


def test_the_costs_page_shows_the_committed_figures(built_site: Path) -> None:
    figures = json.loads((REPO / "docs/data/benchmark.json").read_text())
    page = (built_site / "costs/index.html").read_text()
    imported = figures["startup"]["import_prefect_s"]["median"]
    assert f"{imported:.1f} s" in page
    assert figures["machine"]["cpu"] in page
    assert "uv run python scripts/benchmark.py" in page
    for plot in PLOTS:
        assert f'src="../images/costs/{plot}"' in page, plot
