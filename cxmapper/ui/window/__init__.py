"""The main window and what belongs to it alone: its actions and menus, the start page,
presentation mode, exports, dialogs, refusal notices and the report of unforeseen errors."""
