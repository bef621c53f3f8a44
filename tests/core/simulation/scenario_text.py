"""The smallest scenario file the scenario tests add their keys to (line numbers in
their expected messages count from its first line)."""

BASE = """\
[scenario]
generate_agents = 30
[demand]
interactions_per_day = 1000
  [demand.channels]
  phone = 1.0
[shifts]
early = [6, 14]
late = [14, 22]
night = [22, 30]
"""
