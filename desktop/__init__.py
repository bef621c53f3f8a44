"""The PySide6 desktop app. Importing this package does not import Qt, so the
command line (export, info) works on a machine without a screen."""
