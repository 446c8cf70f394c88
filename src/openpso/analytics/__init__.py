"""Learning across providers: queries over the non-identified lake (Ibis on DuckDB or Spark),
statistics as pure functions, dashboards as server-rendered Vega-Lite SVG (issue 7)."""
