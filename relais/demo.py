"""The demo loader: assembles every app's demo.py from the top (being split out of relais/core/demo.py)."""
