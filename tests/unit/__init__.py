"""Unit tests of the domain layer: given events, when a command, then exact events or error."""
