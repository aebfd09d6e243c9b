"""File → Import Evidence…: the wizard, its pages, and its work off the UI thread."""
