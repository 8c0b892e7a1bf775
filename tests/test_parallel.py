"""The forked helpers of the site build (``util.parallel``): a standby process answers each call with what the
function returned, in order, the next call sent while this process goes on, gives a refusal back as a refusal and
any other failure with its traceback (and goes on answering), runs its preparation before the calls and in its own
process, and ends when closed; without fork everything happens here, with the same answers;
``fork_map`` gives the plain map's answers, with fresh workers too."""

from __future__ import annotations

import os

import pytest

from hotline.util import parallel


def call(standby: parallel.Standby, arg: bytes) -> bytes:
    standby.send(arg)
    return standby.receive()


def _answer(arg: bytes) -> bytes:
    if arg == b"refuse":
        raise parallel.Refusal("不能这样做")
    if arg == b"crash":
        raise ValueError("boom")
    return arg.upper() + str(os.getpid()).encode()


@pytest.fixture(params=["fork", "no-fork"])
def mode(request, monkeypatch):
    if request.param == "no-fork":
        monkeypatch.setenv("HOTLINE_NO_FORK", "1")
    return request.param


def test_a_standby_answers_one_call_in_its_own_process(mode, tmp_path):
    marker = tmp_path / "prepared"
    standby = parallel.standby(_answer, prepare=lambda: marker.write_text(str(os.getpid())))
    answer = call(standby, b"abc")
    assert answer.startswith(b"ABC")
    pid = int(answer[3:])
    if mode == "fork":
        assert pid != os.getpid() and marker.read_text() == str(pid)  # prepared there, before the call
    else:
        assert pid == os.getpid() and not marker.exists()  # nothing to prepare ahead of time


def test_a_refusal_comes_back_as_one_and_a_failure_with_its_traceback(mode):
    with pytest.raises(parallel.Refusal, match="不能这样做"):
        call(parallel.standby(_answer), b"refuse")
    expected = parallel.StandbyError if mode == "fork" else ValueError
    with pytest.raises(expected, match="boom"):
        call(parallel.standby(_answer), b"crash")


def test_a_standby_answers_calls_in_turn_until_closed(mode):
    standby = parallel.standby(_answer)
    standby.send(b"one")  # this process goes on meanwhile
    standby.send(b"crash")
    first = standby.receive()
    with pytest.raises(parallel.StandbyError if mode == "fork" else ValueError, match="boom"):
        standby.receive()
    third = call(standby, b"three")
    assert first.startswith(b"ONE") and third.startswith(b"THREE") and first[3:] == third[5:]  # the same process
    standby.close()
    if mode == "fork":
        assert not standby._process.is_alive() and standby._process.exitcode == 0


def test_a_standby_never_called_is_stopped():
    standby = parallel.standby(_answer)
    standby.stop()
    standby.stop()  # twice is harmless


@pytest.mark.parametrize("fresh", [False, True])
def test_fork_map_gives_the_plain_maps_answers(mode, fresh):
    items = list(range(23))
    assert parallel.fork_map(lambda x: (x * x, os.getpid()), items, fresh=fresh)[5][0] == 25
    answers = parallel.fork_map(lambda x: x * x, items, fresh=fresh)
    assert answers == [x * x for x in items]
    pids = {p for _, p in parallel.fork_map(lambda x: (x, os.getpid()), items, fresh=fresh)}
    if mode == "fork" and parallel.jobs() > 1:
        assert os.getpid() not in pids and (len(pids) > parallel.jobs() if fresh else len(pids) <= parallel.jobs())
    else:
        assert pids == {os.getpid()}
