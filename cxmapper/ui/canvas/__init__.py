"""The journey map: its layout, cards and arrows, the scene and view, interaction modes, the
heat overlay and legend, and map images rendered without a window."""
