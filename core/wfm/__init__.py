"""Workforce management (issue 17): staffing models now; forecast, schedules and the
gap to come. Plain Python API over the kernels of core_ext.erlang_kernels."""
