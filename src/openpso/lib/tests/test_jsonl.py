import io

from openpso.lib.jsonl import line_chunks


def test_lines_come_in_chunks_without_line_ends_or_blank_lines():
    stream = io.BytesIO(b'{"id": "1"}\r\n\n  \n{"id": "2"}\n{"id": "3"}\n{"id": "4"}')
    assert list(line_chunks(stream, 2)) == [[b'{"id": "1"}', b'{"id": "2"}'], [b'{"id": "3"}', b'{"id": "4"}']]


def test_an_empty_stream_gives_no_chunk():
    assert list(line_chunks(io.BytesIO(b"\n\n"), 64)) == []
