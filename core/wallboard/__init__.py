"""What the wallboard shows, computed from events without Qt (desktop draws it)."""
