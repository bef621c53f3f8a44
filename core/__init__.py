"""Floorboard's domain core: no Qt here (desktop/ renders what core publishes)."""
