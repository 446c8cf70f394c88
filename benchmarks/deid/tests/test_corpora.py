from benchmarks.deid import corpora
from benchmarks.deid.score import Note


def test_presidio_synth_has_its_1500_sentences_and_2863_gold_spans():
    notes = list(corpora.presidio_synth())
    assert len(notes) == 1500
    assert sum(len(n.gold) for n in notes) == 2863
    assert all(0 <= g.start < g.end <= len(n.text) for n in notes for g in n.gold)


def test_maude_has_1003_narratives_and_no_gold():
    notes = list(corpora.maude())
    assert len(notes) == 1003
    assert len({n.id for n in notes}) == 1003
    assert not any(n.gold for n in notes)


def test_the_demo_corpus_is_held_out_from_the_seed_the_engine_is_built_on():
    assert corpora.DEMO_SEED != 7


def test_demo_gold_spans_point_into_their_narrative():
    notes = list(corpora.openpso_demo(total=40))
    assert len(notes) == 40
    spans = [(n.text, g) for n in notes for g in n.gold]
    assert spans
    assert all(0 <= g.start < g.end <= len(text) and text[g.start : g.end].strip() for text, g in spans)


def test_a_sample_is_spread_over_the_whole_corpus():
    notes = [Note(id=str(i), text="") for i in range(10)]
    assert [n.id for n in corpora.sample(notes, 5)] == ["0", "2", "4", "6", "8"]
    assert len(corpora.sample(notes, None)) == 10
    assert len(corpora.sample(notes, 50)) == 10
