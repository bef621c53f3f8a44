"""Readers that turn other systems' call records into Floorboard's events."""
