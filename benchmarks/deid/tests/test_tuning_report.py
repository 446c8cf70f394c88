from benchmarks.bench_deid import ENGINE, tuning_lines


def test_the_engine_is_reported_as_fitted_to_nothing_when_no_file_names_the_dev_set(tmp_path):
    (tmp_path / "rules.py").write_text("WORDS = ['foley']\n")
    lines = tuning_lines((), tmp_path)
    assert lines[0].startswith("leave-one-setting-out: not computed")
    assert len(lines) == 1


def test_a_warning_is_printed_when_an_engine_file_names_the_dev_set_but_no_part_is_declared_tuned(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "weights.json").write_text('{"trained_on": "clinical-notes-dev"}')
    lines = tuning_lines((), tmp_path)
    assert lines[-1].startswith("WARNING")
    assert "weights.json" in lines[-1]


def test_a_part_declared_tuned_on_the_dev_set_asks_for_leave_one_setting_out_figures():
    assert "leave-one-setting-out figures required" in tuning_lines(("name threshold",), ENGINE)[0]


def test_leave_one_setting_out_scores_each_setting_with_values_chosen_on_the_others():
    from benchmarks.deid import loso
    from benchmarks.deid.score import Note, Span

    text_a = "Dtr Opaline called at noon."
    text_b = "Seen by dr. pellegrino this am."
    notes = [
        Note(id="a", text=text_a, gold=(Span(4, 11, "PATIENT"),), setting="ward"),
        Note(id="b", text=text_b, gold=(Span(11, 21, "STAFF"),), setting="icu"),
        Note(id="c", text="Pt resting, no events.", setting="icu"),
    ]
    result = loso.run(notes)
    assert [fold["held_out"] for fold in result["folds"]] == ["icu", "ward"]
    assert result["pooled"]["gold_spans"] == 2
    assert result["pooled_shipped"]["span_recall"] == 1.0
    assert all(set(fold["chosen"]) == set(result["shipped"]) for fold in result["folds"])
    assert "pooled" in loso.lines(result)[-1]
