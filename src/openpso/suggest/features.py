"""The model's features, computed with numpy alone (no scikit-learn at run time: it takes seconds to import).

Four blocks, each optional, laid side by side in one feature space:

- word 1-2 grams and character 3-5 grams inside words (scikit-learn's `char_wb`), each weighted
  by TF-IDF (sublinear term frequency, smoothed idf; the 6,000 terms found in most texts) and
  scaled to unit length per block;
- the WordLlama sentence embedding (mean of the token vectors of the `l2_supercat` 256-d model
  that the `wordllama` wheel ships, unit length), read straight from the wheel's files: the
  package itself is not imported (it sets up the root logger and would download what it lacks);
- the keyword rules (rules.py): 1.0 per rule that matches.

`encode` gives each text as (indices, values) over the whole space, so training (a sparse matrix)
and prediction (a dense one) read the very same numbers.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from openpso.suggest.rules import RULE_NAMES, rule_hits

if TYPE_CHECKING:
    from numpy.typing import NDArray

_WORD = re.compile(r"(?u)\b\w\w+\b")
EMBEDDING_DIM = 256
WORDLLAMA_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
WORDLLAMA_WEIGHTS = "weights/l2_supercat_256.safetensors"

Row = tuple["NDArray[np.int64]", "NDArray[np.float32]"]


def word_grams(text: str) -> list[str]:
    """Lower-cased words of two or more characters, and each pair of neighbours."""
    words = _WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def char_grams(text: str, low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams inside each space-padded word, as scikit-learn's `char_wb` analyzer."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            if length < n:
                grams.append(padded)  # a short word counts once, whole
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


@dataclass(frozen=True)
class Vocabulary:
    """Terms kept (seen in at least `min_df` training texts) and their smoothed idf."""

    terms: dict[str, int]
    idf: NDArray[np.float32]

    @classmethod
    def fit(cls, documents: Iterable[list[str]], min_df: int = 2, max_terms: int = 6000) -> Vocabulary:
        """Keep the `max_terms` terms found in most texts (ties: alphabetical), each in `min_df` texts or more."""
        df: Counter[str] = Counter()
        n = 0
        for grams in documents:
            df.update(set(grams))
            n += 1
        frequent = sorted((t for t, count in df.items() if count >= min_df), key=lambda t: (-df[t], t))
        kept = sorted(frequent[:max_terms])
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float32)
        return cls({t: i for i, t in enumerate(kept)}, idf)

    def row(self, grams: list[str]) -> tuple[list[int], list[float]]:
        counts = Counter(g for g in grams if g in self.terms)
        if not counts:
            return [], []
        index = [self.terms[g] for g in counts]
        values = np.array([1.0 + math.log(c) for c in counts.values()], dtype=np.float64) * self.idf[index]
        values /= np.linalg.norm(values)
        return index, values.tolist()


class WordLlamaEmbedder:
    """Mean token vector of WordLlama's shipped `l2_supercat` model, unit length."""

    def __init__(self) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = wordllama_folder()
        self.tokenizer = Tokenizer.from_file(str(folder / WORDLLAMA_TOKENIZER))
        self.weights = load_file(str(folder / WORDLLAMA_WEIGHTS))["embedding.weight"].astype(np.float32)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        for i, encoding in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            if encoding.ids:
                ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, self.weights.shape[0] - 1)
                vector = self.weights[ids].mean(axis=0)
                norm = float(np.linalg.norm(vector))
                out[i] = vector / norm if norm else vector
        return out


def wordllama_folder() -> Path:
    """The installed `wordllama` package's folder, found without importing the package."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the wordllama package is not installed (a dependency of openpso)")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


@dataclass(frozen=True)
class FeatureSpace:
    """Which blocks are used, their vocabularies, and the weight of the dense blocks."""

    words: Vocabulary | None = None
    chars: Vocabulary | None = None
    embedding_weight: float = 0.0  # 0: no embedding block
    rule_weight: float = 0.0  # 0: no rule block
    _offsets: tuple[int, int, int, int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        w = len(self.words.terms) if self.words else 0
        c = len(self.chars.terms) if self.chars else 0
        e = EMBEDDING_DIM if self.embedding_weight else 0
        r = len(RULE_NAMES) if self.rule_weight else 0
        object.__setattr__(self, "_offsets", (0, w, w + c, w + c + e, w + c + e + r))

    @property
    def size(self) -> int:
        return self._offsets[-1]

    def encode(self, texts: Sequence[str], embeddings: NDArray[np.float32] | None = None) -> list[Row]:
        """Each text as (indices, values) in this space. `embeddings`: precomputed, else computed here."""
        if self.embedding_weight and embeddings is None:
            embeddings = embedder().embed(texts)
        rows: list[Row] = []
        _, char_at, emb_at, rule_at, _ = self._offsets
        for i, text in enumerate(texts):
            index: list[int] = []
            values: list[float] = []
            if self.words:
                idx, val = self.words.row(word_grams(text))
                index += idx
                values += val
            if self.chars:
                idx, val = self.chars.row(char_grams(text))
                index += [char_at + j for j in idx]
                values += val
            if self.embedding_weight and embeddings is not None:
                index += range(emb_at, emb_at + EMBEDDING_DIM)
                values += (embeddings[i] * self.embedding_weight).tolist()
            if self.rule_weight:
                hits = rule_hits(text)
                index += [rule_at + j for j, hit in enumerate(hits) if hit]
                values += [self.rule_weight] * int(sum(hits))
            rows.append((np.asarray(index, dtype=np.int64), np.asarray(values, dtype=np.float32)))
        return rows

    def dense(self, rows: list[Row]) -> NDArray[np.float32]:
        matrix = np.zeros((len(rows), self.size), dtype=np.float32)
        for i, (index, values) in enumerate(rows):
            matrix[i, index] = values
        return matrix
