"""A hard memory ceiling around one call (weft/ceiling.py): the call runs in a child process
whose memory may grow by at most the ceiling; past it the caller gets OverMemory, and the
calling process does not grow by what the call needed."""

import pytest

from weft.ceiling import OverMemory, supported, within_memory

pytestmark = pytest.mark.skipif(not supported(), reason="RLIMIT_AS and fork: Linux only")

MB = 1024 * 1024


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * MB)
    return len(block) // MB


def test_a_call_within_the_ceiling_answers_its_result():
    assert within_memory(64 * MB, allocate, 8) == 8


def test_a_call_over_the_ceiling_is_stopped_and_says_so():
    with pytest.raises(OverMemory) as raised:
        within_memory(32 * MB, allocate, 256)
    assert raised.value.limit == 32 * MB


def test_an_error_of_the_call_reaches_the_caller():
    def refuse():
        raise ValueError("not a map")

    with pytest.raises(ValueError, match="not a map"):
        within_memory(64 * MB, refuse)


def test_a_ceiling_of_zero_calls_in_process():
    assert within_memory(0, allocate, 1) == 1
