"""KPIs from events: one set of definitions (docs/kpi.md), computed in batch for
reports and incrementally for the wallboard."""
