"""The scenarios wing: scenario YAML → Scenario; distributions; sampling."""
