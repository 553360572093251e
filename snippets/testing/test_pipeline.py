import time

import pytest
from pipeline import average, price_report

DAY = "2026-11-24"


def test_average_is_plain_python():
    # .fn is the function under the decorator: no task run, no server
    assert average.fn([1.0, 2.0, 4.0]) == 2.33


def test_average_refuses_no_prices():
    with pytest.raises(ValueError, match="no prices"):
        average.fn([])


def test_the_flow_returns_the_average():
    assert price_report(DAY, lambda day: [10.0, 20.0]) == 15.0


def test_a_flaky_source_is_retried():
    calls = []

    def flaky_source(day):
        calls.append(day)
        if len(calls) < 3:
            raise ConnectionError("try again")
        return [5.0]

    assert price_report(DAY, flaky_source) == 5.0
    assert len(calls) == 3  # two failures, two retries


def test_an_empty_source_fails_the_run():
    state = price_report(DAY, lambda day: [], return_state=True)
    assert state.is_failed()
    with pytest.raises(ValueError, match="no prices"):
        state.result()


def test_a_source_that_never_answers_fails_after_its_retries():
    calls = []

    def down(day):
        calls.append(day)
        raise ConnectionError("down")

    state = price_report(DAY, down, return_state=True)
    assert state.is_failed()
    assert len(calls) == 3  # the first call and two retries


def test_a_source_that_hangs_times_the_run_out():
    slept = []

    def hangs(day):
        started = time.monotonic()
        try:
            time.sleep(30)
        finally:
            slept.append(time.monotonic() - started)

    # the flow's limit is a minute; this test's copy of it has one second
    quick = price_report.with_options(timeout_seconds=1)
    state = quick(DAY, hangs, return_state=True)
    assert state.name == "TimedOut"  # a Failed state with a name of its own
    assert state.is_failed()
    assert slept[0] < 30  # the hanging call was stopped, not waited for


def test_a_day_is_fetched_once():
    days = []

    def source(day):
        days.append(day)
        return [10.0, 20.0]

    assert price_report(DAY, source) == 15.0
    assert price_report(DAY, source) == 15.0  # the same day: from the cache
    assert price_report("2026-11-25", source) == 15.0  # another day: fetched
    assert days == [DAY, "2026-11-25"]  # the source was called once per day
