"""The model file: plain arrays (no pickle), the HERF codes, and what it was fitted on."""

from __future__ import annotations

import numpy as np

from openpso.suggest.codes import CATEGORIES, EVENT_TYPES
from openpso.suggest.features import FeatureSpace, Vocabulary, char_grams, word_grams
from openpso.suggest.model import MODEL_FILE, Head, Model, shipped


def test_shipped_model_reads_without_pickle_and_names_its_data():
    with np.load(MODEL_FILE, allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)
    model = shipped()
    assert model.categories.classes == CATEGORIES
    assert model.event_type.classes == EVENT_TYPES
    assert model.meta["data"]
    assert model.meta["candidate"]
    assert MODEL_FILE.stat().st_size < 10 * 1024 * 1024


def test_save_and_load_give_the_same_suggestions(tmp_path):
    texts = ["pt fell in bathroom", "wrong dose of insulin given", "pump alarm failed"]
    words = Vocabulary.fit(word_grams(t) for t in texts * 2)
    chars = Vocabulary.fit(char_grams(t) for t in texts * 2)
    space = FeatureSpace(words, chars, 0.0, 1.0)
    rng = np.random.default_rng(0)

    def head(classes: tuple[str, ...]) -> Head:
        return Head(
            classes, rng.normal(size=(space.size, len(classes))).astype(np.float32), np.zeros(len(classes), np.float32)
        )

    model = Model(
        space, head(CATEGORIES), head(EVENT_TYPES), head(("", "LA21151-8")), 0.5, {"data": "x", "candidate": "t"}
    )
    model.save(tmp_path / "m.npz")
    again = Model.load(tmp_path / "m.npz")
    assert again.suggest(texts) == model.suggest(texts)


def test_char_grams_are_padded_word_ngrams():
    assert char_grams("ab", 2, 3) == [" a", "ab", "b ", " ab", "ab "]
    assert char_grams("a", 4, 5) == [" a "]
    assert word_grams("Pt fell, c/o pain") == ["pt", "fell", "pain", "pt fell", "fell pain"]
