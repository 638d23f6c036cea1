"""The one transition engine that every workflow of the system moves through (see engine.py)."""
