"""Statistics as pure functions over aggregated numbers: no Django, no engine, no I/O."""
