"""One open project as the window edits it: the shared context (selection, the one edit
path), the undo commands, and the relay that brings worker threads' results back."""
