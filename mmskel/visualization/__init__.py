"""Visualisation (skeleton animation, confusion matrices, curves) lives here."""
