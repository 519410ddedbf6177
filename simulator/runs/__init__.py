"""The runs wing: Scenario → run folder (batch, runstore, calibration, show, progress, catalog)."""
