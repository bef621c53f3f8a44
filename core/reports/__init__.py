"""Reports: each report's rows, with names for ids and flags in words, in a module of
its own, over the KPI engines (core.kpi). Rendering them (a table, CSV, JSON) is the
command line's (core.cli.output) and the desktop's."""
