"""Check the exercise of "Install Prefect": run my_settings.py, then compare what it
printed with the settings Prefect reads in this folder. Run it in your project folder:

    uv run python check_install.py
"""

import prefect
from prefect.context import get_settings_context
from prefect.settings import get_current_settings

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 2:
    raise SystemExit(
        "check_install.py needs lesson_check.py next to it, revision 2 or newer: it "
        "is on the page under the exercise, and in every lesson's download."
    )

SETTINGS = 'See "A setting, three places" on the page.'


def points(check: Check) -> None:
    printed = dict(
        line.split(": ", 1) for line in check.printed.splitlines() if ": " in line
    )
    settings = get_current_settings()
    profile = get_settings_context().profile.name
    analytics = "on" if settings.server.analytics_enabled else "off"

    def says(key: str, expected: str, what: str, hint: str) -> None:
        check.point(
            f"it printed {what}",
            printed.get(key) == expected,
            found=f"{key}: {printed[key]}" if key in printed else f"no line {key}: ...",
            hint=hint,
        )

    says(
        "Prefect",
        prefect.__version__,
        "the version of Prefect installed here",
        "The starter's line: keep it.",
    )
    says(
        "Home",
        str(settings.home),
        "the folder Prefect keeps its data in",
        "get_current_settings() from prefect.settings gives every setting; .home is "
        "the folder, with ~ and PREFECT_HOME taken into account.",
    )
    says(
        "Profile",
        profile,
        "the active profile",
        "Without PREFECT_PROFILE, the active profile is the one `prefect profile use` "
        "chose last, ephemeral until then. get_settings_context() from "
        "prefect.context has it: .profile.name.",
    )
    says(
        "Analytics",
        analytics,
        "whether a server started here sends analytics",
        "prefect config set stores a setting in the active profile, not in the "
        "environment: os.environ does not see it. get_current_settings() reads "
        f"both; .server.analytics_enabled is this one. {SETTINGS}",
    )
    check.point(
        "a server started here sends no analytics",
        analytics == "off",
        found="it does: PREFECT_SERVER_ANALYTICS_ENABLED is not false",
        hint='Set it as "Keep a machine without internet quiet" on the page does.',
    )


if __name__ == "__main__":
    run_check(
        lesson="Install Prefect", script="my_settings.py", points=points, server=False
    )
