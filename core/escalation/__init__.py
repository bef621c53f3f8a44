"""Escalation (ESC-1..4): valid complaints reach the manager's phone, at any hour,
exactly once."""
