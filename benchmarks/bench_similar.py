"""Similar events: approximate vector search against exact (brute-force numpy) search, same run.

Issue 18 item 4: p95 <= 20 ms per query over 1,000,000 narratives with recall@10 >= 0.95 against
exact search, index build time and memory recorded.

The narratives. 1,096 hand-written ones (src/openpso/suggest/data/narratives/) and the demo's
generator (openpso.demo.narratives, every scenario filled with random facts) are cut into
sentences; each benchmark narrative is 2-5 sentences drawn from sources of one category, in a
random order, with numbers redrawn and some words swapped for a variant reporters use ("pt" /
"patient", "RN" / "nurse" …). Duplicates are dropped, so the corpus holds `--n` distinct texts and
the queries (`--queries`, default 1,000) are further distinct texts made the same way, none of
them in the corpus. They are recombinations of a few thousand real-style sentences, so they are
more alike than a real pool and the search is harder than on real text, not easier.

The vectors. The suggester's own embedding (openpso.suggest.similar.embed: the WordLlama
`l2_supercat` 256-d mean of token vectors, unit length), computed here for every text.

The measurement. Exact top-10 by inner product for every query (numpy, in chunks) is the truth
and the baseline; the index is built with its add threads, then queried one query at a time on
one thread (the way a page asks), at each search expansion in the ladder; recall@10 is the share
of the exact top 10 found. Prints build time, the process's resident-memory growth while building,
per-query p50/p95, recall@10, and the ratio of the exact per-query time to the index's p95.
`--library` (repeatable) picks `kept` (default: openpso.suggest.similar.VectorIndex, faiss-cpu
HNSW, docs/decisions/0022-similar-events-index.md), or for the comparison in 0022 usearch, hnswlib
(only if installed), faiss-hnsw or faiss-ivf.
`--n` (default 100,000 so that `make bench` stays in minutes, or OPENPSO_BENCH_SIMILAR_N);
`--n 1000000` for the issue's size (about 35 min on the shared 2-core VM: embedding and the
index build take most of it). Writes
var/bench/similar.json.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from openpso.suggest import corpus  # noqa: E402
from openpso.suggest.similar import embed, top_k_exact  # noqa: E402

TARGET_P95_MS = 20.0
TARGET_RECALL = 0.95
K = 10
LADDER = (16, 32, 64, 128, 256, 512)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_NUMBER = re.compile(r"\d+")
VARIANTS = (
    ("patient", "pt"),
    ("Patient", "Pt"),
    ("nurse", "RN"),
    ("was found", "found"),
    ("physician", "MD"),
    ("approximately", "approx"),
    ("medication", "med"),
    ("administered", "given"),
    ("resident", "res"),
    ("notified", "informed"),
    ("and", "&"),
    ("with", "w/"),
)


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def source_narratives(rng: random.Random) -> list[tuple[str, str]]:
    """(category, text): the hand-written narratives and the demo generator's, several fillings each."""
    import datetime as dt

    from openpso.demo.narratives import ALL_SCENARIOS, Facts, write_narrative

    found = [(e.categories[0], e.text) for e in corpus.labelled()]
    for scenario in ALL_SCENARIOS:
        for _ in range(40):
            facts = Facts(
                when=dt.datetime(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), tzinfo=dt.UTC),
                setting=rng.choice(scenario.settings),
                unit=rng.choice(("4 West", "ICU", "5 North", "the ED", "Maple unit", "L&D")),
                age=rng.randint(1, 99),
                sex=rng.choice(("M", "F", "UNK")),
                harm="",
            )
            found.append((scenario.category, write_narrative(rng, scenario=scenario, facts=facts).text))
    return found


def make_texts(count: int, seed: int = 18) -> list[str]:
    """`count` distinct narratives recombined and perturbed from the sources (module docstring)."""
    rng = random.Random(seed)
    by_category: dict[str, list[str]] = {}
    for category, text in source_narratives(rng):
        by_category.setdefault(category, []).extend(s for s in _SENTENCE.split(text) if len(s) > 12)
    categories = sorted(by_category)
    pools = [by_category[c] for c in categories]
    seen: set[bytes] = set()
    texts: list[str] = []
    while len(texts) < count:
        pool = pools[rng.randrange(len(pools))]
        parts = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(2, 5))]
        text = " ".join(parts)
        text = _NUMBER.sub(lambda m: str(rng.randint(1, 10 ** len(m.group()) - 1)), text)
        for long, short in rng.sample(VARIANTS, 3):
            text = text.replace(long, short) if rng.random() < 0.5 else text.replace(short, long)
        digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
        if digest not in seen:
            seen.add(digest)
            texts.append(text)
    return texts


class Candidate:
    """One library's index: build once, then search one query at a time at a given expansion."""

    name = ""

    def build(self, vectors: np.ndarray, threads: int) -> None:
        raise NotImplementedError

    def set_expansion(self, ef: int) -> None:
        raise NotImplementedError

    def query(self, vector: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def index_bytes(self) -> int | None:
        return None


class UsearchCandidate(Candidate):
    name = "usearch"

    def build(self, vectors: np.ndarray, threads: int) -> None:
        from usearch.index import Index

        self.index = Index(ndim=vectors.shape[1], metric="ip", dtype="f32", connectivity=16, expansion_add=64)
        self.index.add(np.arange(len(vectors), dtype=np.uint64), vectors, threads=threads)

    def set_expansion(self, ef: int) -> None:
        self.index.expansion_search = ef

    def query(self, vector: np.ndarray) -> np.ndarray:
        return np.asarray(self.index.search(vector, K, threads=1).keys)

    def index_bytes(self) -> int | None:
        return int(self.index.memory_usage)


class KeptCandidate(Candidate):
    """The product's index (openpso.suggest.similar.VectorIndex: faiss HNSW, the settings it ships)."""

    name = "kept"

    def build(self, vectors: np.ndarray, threads: int) -> None:
        import faiss

        from openpso.suggest.similar import VectorIndex

        self.index = VectorIndex()
        self.index.add(np.arange(len(vectors), dtype=np.int64), vectors, threads=threads)
        faiss.omp_set_num_threads(1)  # a page asks one query at a time, on one thread

    def set_expansion(self, ef: int) -> None:
        self.index.expansion_search = ef

    def query(self, vector: np.ndarray) -> np.ndarray:
        return self.index.search(vector, K)[0][0]


class HnswlibCandidate(Candidate):
    name = "hnswlib"

    def build(self, vectors: np.ndarray, threads: int) -> None:
        import hnswlib

        self.index = hnswlib.Index(space="ip", dim=vectors.shape[1])
        self.index.init_index(max_elements=len(vectors), ef_construction=64, M=16)
        self.index.add_items(vectors, np.arange(len(vectors)), num_threads=threads)

    def set_expansion(self, ef: int) -> None:
        self.index.set_ef(max(ef, K))

    def query(self, vector: np.ndarray) -> np.ndarray:
        return self.index.knn_query(vector.reshape(1, -1), k=K, num_threads=1)[0][0]


class FaissHnswCandidate(Candidate):
    name = "faiss-hnsw"

    def build(self, vectors: np.ndarray, threads: int) -> None:
        import faiss

        faiss.omp_set_num_threads(threads)
        self.index = faiss.IndexHNSWFlat(vectors.shape[1], 16, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = 64
        self.index.add(vectors)
        faiss.omp_set_num_threads(1)

    def set_expansion(self, ef: int) -> None:
        self.index.hnsw.efSearch = ef

    def query(self, vector: np.ndarray) -> np.ndarray:
        return self.index.search(vector.reshape(1, -1), K)[1][0]


class FaissIvfCandidate(Candidate):
    """IVF-flat: 4*sqrt(n) lists trained on a 100k sample; the ladder is the number of lists probed."""

    name = "faiss-ivf"

    def build(self, vectors: np.ndarray, threads: int) -> None:
        import faiss

        faiss.omp_set_num_threads(threads)
        lists = int(4 * len(vectors) ** 0.5)
        quantizer = faiss.IndexFlatIP(vectors.shape[1])
        self.index = faiss.IndexIVFFlat(quantizer, vectors.shape[1], lists, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), 100_000), replace=False)]
        self.index.train(sample)
        self.index.add(vectors)
        faiss.omp_set_num_threads(1)

    def set_expansion(self, ef: int) -> None:
        self.index.nprobe = ef

    def query(self, vector: np.ndarray) -> np.ndarray:
        return self.index.search(vector.reshape(1, -1), K)[1][0]


CANDIDATES: dict[str, Callable[[], Candidate]] = {
    c.name: c for c in (KeptCandidate, UsearchCandidate, HnswlibCandidate, FaissHnswCandidate, FaissIvfCandidate)
}


def measure(candidate: Candidate, vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray, threads: int) -> dict:
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    candidate.build(vectors, threads)
    build_s = time.perf_counter() - start
    grown = rss_bytes() - before
    own = candidate.index_bytes()
    out(
        f"{candidate.name}: built in {build_s:.1f} s with {threads} threads; resident memory "
        f"+{grown / 2**20:,.0f} MiB" + (f" (index reports {own / 2**20:,.0f} MiB)" if own else "")
    )
    rows: list[dict[str, Any]] = []
    for ef in LADDER:
        candidate.set_expansion(ef)
        times = []
        hits = 0
        for i, query in enumerate(queries):
            t0 = time.perf_counter()
            found = candidate.query(query)
            times.append(time.perf_counter() - t0)
            hits += len(np.intersect1d(found, truth[i]))
        ms = np.array(times) * 1000
        row = {
            "expansion": ef,
            "p50_ms": float(np.percentile(ms, 50)),
            "p95_ms": float(np.percentile(ms, 95)),
            "recall_at_10": hits / (len(queries) * K),
        }
        rows.append(row)
        out(
            f"  expansion {ef:>3}: p50 {row['p50_ms']:.3f} ms, p95 {row['p95_ms']:.3f} ms, "
            f"recall@10 {row['recall_at_10']:.4f}"
        )
        if row["recall_at_10"] >= 0.995:
            break
    return {
        "library": candidate.name,
        "build_s": build_s,
        "rss_growth_bytes": grown,
        "index_bytes": own,
        "ladder": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("OPENPSO_BENCH_SIMILAR_N", "100000")))
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--library", action="append", choices=sorted(CANDIDATES), help="repeatable; default kept")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads while building")
    parser.add_argument("--cache", type=Path, help="keep the embedded vectors in this .npy file and reuse them")
    args = parser.parse_args()
    libraries = args.library or ["kept"]
    machine = platform.processor() or platform.machine()
    out(f"similar events: {args.n:,} narratives, {args.queries:,} queries, k={K}; {machine}, {os.cpu_count()} cores")
    out(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    start = time.perf_counter()
    if args.cache and args.cache.exists():
        everything = np.load(args.cache, mmap_mode=None)
        out(f"vectors read from {args.cache} in {time.perf_counter() - start:.1f} s")
    else:
        texts = make_texts(args.n + args.queries)
        made = time.perf_counter() - start
        lengths = np.array([len(t) for t in texts[:100_000]])
        out(f"{len(texts):,} distinct narratives made in {made:.1f} s (median {int(np.median(lengths))} characters)")
        start = time.perf_counter()
        everything = embed(texts)
        del texts
        out(f"embedded in {time.perf_counter() - start:.1f} s ({EMBED_NOTE})")
        if args.cache:
            args.cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(args.cache, everything)
    vectors, queries = everything[: args.n], everything[args.n : args.n + args.queries]

    start = time.perf_counter()
    truth, _ = top_k_exact(vectors, queries, K)
    exact_batch_s = time.perf_counter() - start
    single = []
    for query in queries[:50]:
        t0 = time.perf_counter()
        top_k_exact(vectors, query.reshape(1, -1), K)
        single.append(time.perf_counter() - t0)
    exact_ms = float(np.percentile(np.array(single) * 1000, 95))
    out(
        f"exact search (numpy): {args.queries:,} queries in {exact_batch_s:.1f} s batched; "
        f"one query at a time p95 {exact_ms:.1f} ms (50 queries)"
    )

    results = []
    for name in libraries:
        try:
            candidate = CANDIDATES[name]()
            result = measure(candidate, vectors, queries, truth, args.threads)
        except ImportError as error:
            out(f"{name}: not installed ({error})")
            continue
        del candidate
        gc.collect()
        passing = [r for r in result["ladder"] if r["recall_at_10"] >= TARGET_RECALL]
        chosen = min(passing, key=lambda r: r["p95_ms"]) if passing else None
        result["at_target"] = chosen
        if chosen:
            verdict = "meets" if chosen["p95_ms"] <= TARGET_P95_MS else "MISSES"
            out(
                f"{name}: recall@10 {chosen['recall_at_10']:.4f} >= {TARGET_RECALL} at expansion "
                f"{chosen['expansion']}: p95 {chosen['p95_ms']:.3f} ms per query "
                f"({verdict} <= {TARGET_P95_MS:.0f} ms); "
                f"exact p95 / index p95 = {exact_ms / chosen['p95_ms']:,.0f}x"
            )
        else:
            out(f"{name}: recall@10 never reached {TARGET_RECALL} on the ladder {LADDER}")
        results.append(result)

    out(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "similar.json").write_text(
        json.dumps(
            {
                "n": args.n,
                "queries": args.queries,
                "exact_p95_ms": exact_ms,
                "exact_batch_s": exact_batch_s,
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    met = any(r["at_target"] and r["at_target"]["p95_ms"] <= TARGET_P95_MS for r in results)
    return 0 if met else 1


EMBED_NOTE = "WordLlama l2_supercat 256-d, the suggester's embedding"

if __name__ == "__main__":
    raise SystemExit(main())
