"""The plots of the "What Prefect costs" page, drawn from the benchmark's figures."""

from __future__ import annotations

from pathlib import Path

from harness.benchmark.report import KIND_NAMES, RUNNER_NAMES, WAY_NAMES, duration

# --- Plots --------------------------------------------------------------------------

# Okabe-Ito: colours that colour-blind readers tell apart.
BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#999999",
)


def time_tick(seconds: float) -> str:
    """An axis label on a logarithmic time axis: 100 ns, 1 µs, 10 ms."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale * 0.999 or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def draw_plots(figures: dict, folder: Path) -> list[Path]:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            # Text stays text in the SVG, drawn by the reader's browser in its own
            # sans-serif font: no font is embedded or downloaded.
            "svg.fonttype": "none",
            # Element ids from a fixed salt: the same figures give the same file.
            "svg.hashsalt": "learn-prefect-costs",
            "font.family": "sans-serif",
            "font.size": 10,
            "figure.facecolor": "white",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def save(fig, name: str) -> None:
        path = folder / name
        # No creation date in the file: re-running does not change it needlessly.
        fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        written.append(path)

    def bars(ax, labels, stats, colors) -> None:
        """Horizontal bars at the medians, whiskers over the range, values written."""
        medians = [s["median"] for s in stats]
        low = [s["median"] - s["min"] for s in stats]
        high = [s["max"] - s["median"] for s in stats]
        y = range(len(labels))
        ax.barh(y, medians, color=colors, xerr=[low, high], capsize=3)
        ax.set_yticks(list(y), labels)
        ax.invert_yaxis()
        for row, stat in zip(y, stats, strict=True):
            ax.annotate(
                duration(stat["median"]),
                (stat["max"], row),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
            )
        ax.margins(x=0.15)

    # 1. Start-up
    s = figures["startup"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    bars(
        ax,
        [
            "plain Python hello world",
            "import prefect",
            "import prefect, no bytecode cache",
            "hello flow, running server",
            "hello flow, temporary server",
            "server start, existing database",
            "server start, new database",
        ],
        [
            s["plain_hello_world_s"],
            s["import_prefect_s"],
            s["import_prefect_uncached_s"],
            s["hello_flow_running_server_s"],
            s["hello_flow_temporary_server_s"],
            s["server_start_existing_database_s"],
            s["server_start_new_database_s"],
        ],
        [GREY, SKY, SKY, BLUE, VERMILION, GREEN, GREEN],
    )
    ax.set_xlabel(
        "seconds from the start of the command to its end (median; whiskers: range)"
    )
    ax.set_title("Starting up: one process, from start to end", loc="left")
    save(fig, "startup.svg")

    # 2. Per-task overhead
    t = figures["per_task"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    colors = {"plain": GREY, "call": BLUE, "submit": ORANGE, "map": GREEN}
    for way, name in WAY_NAMES.items():
        stats = [t["ways"][way][str(n)]["per_task_ms"] for n in t["sizes"]]
        ax.plot(
            t["sizes"],
            [x["median"] for x in stats],
            marker="o",
            color=colors[way],
            label=name,
        )
        ax.fill_between(
            t["sizes"],
            [x["min"] for x in stats],
            [x["max"] for x in stats],
            color=colors[way],
            alpha=0.2,
            linewidth=0,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(t["sizes"], [str(n) for n in t["sizes"]])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda ms, _: time_tick(ms / 1000))
    )
    ax.set_xlabel("tasks in one go (log scale)")
    ax.set_ylabel("time per task (log scale)")
    ax.set_title(
        "Time per task inside one flow run, against a running server", loc="left"
    )
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), frameon=False)
    save(fig, "per_task.svg")

    # 3. Task runners
    r = figures["task_runners"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, kind in zip(axes, ("cpu", "sleep"), strict=True):
        work = r["work"][kind]
        stats = [work["serial_plain_python_s"]] + [
            work["runners"][runner]["flow_s"] for runner in RUNNER_NAMES
        ]
        bars(
            ax,
            ["one after another,\nplain Python", "threads", "processes", "Dask"],
            stats,
            [GREY, BLUE, ORANGE, PURPLE],
        )
        ax.set_title(f"{r['tasks']} {KIND_NAMES[kind]} tasks", loc="left")
        ax.set_xlabel("seconds, whole flow run")
    save(fig, "task_runners.svg")

    # 4. Deployment latency: when each step happened, medians of each step
    lat = figures["deployment_latency"]
    fig, ax = plt.subplots(figsize=(8, 3.3))
    modes = ["default", "fast", "docker"]
    every = {mode: 60 / lat[mode]["polls_per_minute"] for mode in ("default", "fast")}
    labels = [
        f"process worker,\n{mode} polling (every {every[mode]:g} s)"
        for mode in ("default", "fast")
    ] + [f"Docker worker,\nfast polling (every {every['fast']:g} s)"]
    steps = [
        ("created_s", "the command creates the run", GREY),
        ("picked_up_s", "waiting for a worker's poll", VERMILION),
        ("running_s", "the worker starts the flow's process or container", ORANGE),
        ("completed_s", "the flow runs, to Completed", GREEN),
    ]
    for row, mode in enumerate(modes):
        previous = 0.0
        for step, name, color in steps:
            end = max(previous, lat[mode][step]["median"])
            ax.barh(
                row,
                end - previous,
                left=previous,
                color=color,
                label=name if row == 0 else None,
            )
            previous = end
        total = lat[mode]["completed_s"]
        ax.errorbar(
            total["median"],
            row,
            xerr=[[total["median"] - total["min"]], [total["max"] - total["median"]]],
            color="black",
            capsize=3,
        )
        ax.annotate(
            duration(total["median"]),
            (total["max"], row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    ax.set_yticks(range(len(modes)), labels)
    ax.invert_yaxis()
    ax.margins(x=0.12)
    ax.set_xlabel("seconds after the command started (medians; whiskers: range)")
    ax.set_title("From prefect deployment run to Completed", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.27), ncol=2, frameon=False)
    save(fig, "deployment_latency.svg")
    return written
