"""Error tree shared by every stage of the data flow (ingest → lower → compile → run → batch → report).

Every message names the file, the line or element, and the fix. The CLI (run.py) turns any
``SimulatorError`` into a single ``Error: …`` line and a non-zero exit code.
"""


class SimulatorError(Exception):
    """Root of all plansim errors; ``str(err)`` is the one line shown to the user."""


class ModelFileError(SimulatorError):
    """The model file is missing, unreadable, or of an unknown format."""


class ModelParseError(SimulatorError):
    """The model file could not be parsed (malformed equation)."""


class UnsupportedFeatureError(SimulatorError):
    """The model uses functions or constructs the engine does not implement (all listed at once)."""


class AlgebraicLoopError(SimulatorError):
    """Auxiliaries depend on each other without a stock in between."""


class UnknownVariableError(SimulatorError):
    """A name given by the user (parameter, output, goal variable) is not in the model."""


class ParameterError(SimulatorError):
    """A parameter value has the wrong shape, type or range for the variable it sets."""


class ScenarioError(SimulatorError):
    """A scenario file is malformed or inconsistent (file, line and key are in the message)."""


class PlanError(SimulatorError):
    """A plan file (models/<region>/plan.yaml) is malformed or cites a source that does not match."""


class RunDirError(SimulatorError):
    """A batch output folder is missing, incomplete, or not a plansim run."""


class ReportError(SimulatorError):
    """A report could not be produced from the given run folder(s)."""


class BatchOptionError(SimulatorError):
    """A batch option is out of range or inconsistent (-n, --seed, --chunk-size, --workers, --resume)."""


class NonFiniteError(SimulatorError):
    """A run produced inf or NaN (the first variable and time are in the message)."""


class DataImportError(PlanError):
    """An office's statistics file (data import) has a figure that fails a check (file, cell or line, and the fix)."""
