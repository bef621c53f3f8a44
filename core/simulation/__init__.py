"""The floor simulator (SIM-1..4): the embedded demo and the load test."""
