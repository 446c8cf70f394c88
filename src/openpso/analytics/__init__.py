"""Learning across providers: queries over the non-identified lake (Ibis on DuckDB or Spark),
statistics as pure functions, dashboards as server-rendered Vega-Lite SVG
(docs/decisions/0012-analytics-one-code-path.md)."""
