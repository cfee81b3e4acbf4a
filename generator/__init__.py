"""Lectern: one structured lesson in, a Word handout, a PowerPoint deck and a PDF cheat sheet out."""

__version__ = "0.1.0"
