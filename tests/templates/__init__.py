"""Generated PowerPoint templates for the deck tests; see README.md."""
