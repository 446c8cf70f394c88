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
