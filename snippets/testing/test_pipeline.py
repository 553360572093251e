import pytest
from pipeline import average, price_report


def test_average_is_plain_python():
    # .fn is the function under the decorator: no task run, no server
    assert average.fn([1.0, 2.0, 4.0]) == 2.33


def test_average_refuses_no_prices():
    with pytest.raises(ValueError, match="no prices"):
        average.fn([])


def test_the_flow_returns_the_average():
    assert price_report(lambda: [10.0, 20.0]) == 15.0


def test_a_flaky_source_is_retried():
    calls = []

    def flaky_source():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("try again")
        return [5.0]

    assert price_report(flaky_source) == 5.0
    assert len(calls) == 3  # two failures, two retries


def test_an_empty_source_fails_the_run():
    state = price_report(lambda: [], return_state=True)
    assert state.is_failed()
    with pytest.raises(ValueError, match="no prices"):
        state.result()


def test_a_source_that_never_answers_fails_after_its_retries():
    calls = []

    def down():
        calls.append(1)
        raise ConnectionError("down")

    state = price_report(down, return_state=True)
    assert state.is_failed()
    assert len(calls) == 3  # the first call and two retries
