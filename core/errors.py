"""Errors a floor manager can act on. The CLI prints them and exits non-zero."""


class FloorboardError(Exception):
    """An error with a message that says what is wrong and what to do about it."""

    exit_code = 2


class StoreError(FloorboardError):
    """The database file cannot be used as it is (corrupt, foreign, too new, read-only)."""


class ConfigError(FloorboardError):
    """The configuration file is invalid; the message names file, line and key."""


class ExportError(FloorboardError):
    """An export could not be written; nothing was left at the target path."""


class IngestError(FloorboardError):
    """An input file was not imported (missing, not its format, already imported);
    nothing was written to the database."""


class StaffingError(FloorboardError, ValueError):
    """A staffing question cannot be answered as asked (a negative load, a target no
    number of agents can meet); the message names the input and says what it takes."""


class ForecastError(FloorboardError, ValueError):
    """A forecast cannot be made from what was given (a file line that does not read,
    a history in another time zone, no known day at all); the message names the input
    and what is wrong with it."""
