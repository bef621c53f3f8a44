"""The floorboard command: one module per subcommand."""
