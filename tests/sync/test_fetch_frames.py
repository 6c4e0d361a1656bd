"""A fetch answer is cut back into its files exactly, however the network splits it."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from otvisit.sync import blob_protocol as wire
from otvisit.sync.client.blob_http import _Frames


@settings(max_examples=150, deadline=None)
@given(
    files=st.lists(st.binary(max_size=3000), min_size=1, max_size=8),
    cuts=st.lists(st.integers(min_value=1, max_value=4000), min_size=1, max_size=40),
)
def test_files_come_back_whole_and_in_order_from_any_split(
    files: list[bytes], cuts: list[int]
) -> None:
    answer = b"".join(
        wire.frame_head(hashlib.sha256(data).hexdigest(), len(data)) + data for data in files
    )
    frames = _Frames()
    arrived: list[tuple[str, bytes]] = []
    at = 0
    for step in (cuts * (len(answer) // sum(cuts) + 1))[: len(answer)]:
        if at >= len(answer):
            break
        arrived += frames.feed(answer[at : at + step])
        at += step
    assert arrived == [(hashlib.sha256(data).hexdigest(), data) for data in files]
    assert all(type(data) is bytes for _sha, data in arrived)
    assert frames.current is None and frames.held == 0 and frames.partial() is None


def test_an_answer_cut_inside_a_file_tells_what_of_it_arrived() -> None:
    data = bytes(range(256)) * 40
    head = wire.frame_head(hashlib.sha256(data).hexdigest(), len(data))
    frames = _Frames()
    assert list(frames.feed(head + data[:1000])) == []
    assert list(frames.feed(data[1000:1500])) == []
    assert frames.partial() == (hashlib.sha256(data).hexdigest(), data[:1500])
