"""Report generators: turn a finished batch folder (results, goals) into PDF and PNG files."""
