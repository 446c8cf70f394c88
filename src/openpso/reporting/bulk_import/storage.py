"""The uploaded export, kept encrypted at rest until its import is done (invariant 6).

A file is written as lines of ciphertext, one per chunk of at most `CHUNK` bytes, so that it is
encrypted and read back in constant memory. A CSV is read straight from the decrypted chunks;
an XLSX (a zip, which needs random access) is decrypted into a temporary file that is removed
as soon as its rows have been read.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from openpso.encryption.fields import decrypt, encrypt
from openpso.encryption.keyring import load_keyring

CHUNK = 1 << 20


def imports_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def path_of(name: str) -> Path:
    return imports_dir() / name


def store(name: str, chunks: Iterable[bytes]) -> int:
    """Write `chunks` encrypted under `name`; returns the plaintext size in bytes."""
    ring = load_keyring()
    size = 0
    target = path_of(name)
    with open(target.with_suffix(".part"), "w", encoding="ascii") as out:
        for chunk in _rechunk(chunks):
            size += len(chunk)
            # latin-1 maps every byte to one character, so any file survives the round trip.
            out.write(encrypt(chunk.decode("latin-1"), ring=ring) + "\n")
    os.replace(target.with_suffix(".part"), target)
    return size


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= CHUNK:
            yield buffer[:CHUNK]
            buffer = buffer[CHUNK:]
    if buffer:
        yield buffer


def chunks_of(name: str) -> Iterator[bytes]:
    ring = load_keyring()
    with open(path_of(name), encoding="ascii") as stored:
        for line in stored:
            yield decrypt(line.rstrip("\n"), ring=ring).encode("latin-1")


class _ChunkStream(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            nxt = next(self._chunks, None)
            if nxt is None:
                return 0
            self._rest = nxt
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def open_stream(name: str) -> BinaryIO:
    """A forward-only binary stream of the decrypted file."""
    return io.BufferedReader(_ChunkStream(chunks_of(name)))  # type: ignore[return-value]


@contextlib.contextmanager
def plaintext_copy(name: str) -> Iterator[Path]:
    """A decrypted copy in a private temporary file, removed on leaving (for XLSX)."""
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=imports_dir())
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks_of(name):
                out.write(chunk)
        yield Path(temp)
    finally:
        Path(temp).unlink(missing_ok=True)


def remove(name: str) -> None:
    path_of(name).unlink(missing_ok=True)
