"""The workshop's panel buttons as menu commands (Workshop → New Voting Round…, Pass the
Laptop…, Reveal Votes, New Pain from Selection, Macro Action from Selected Pains): each
brings its panel forward and calls the very slot its button calls, and is enabled as its
button is. The panels are imported when asked: they load with the first project, not at
start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QPushButton

if TYPE_CHECKING:
    from cxmapper.ui.panels.voting import VotingPanel


class PanelHost(Protocol):
    def panel(self, name: str, *, raise_it: bool = False) -> object | None:
        """The open project's panel docked as ``name``; with ``raise_it`` shown and raised."""
        ...


def voting_panel(host: PanelHost, *, raise_it: bool = False) -> VotingPanel | None:
    from cxmapper.ui.panels.voting import VotingPanel

    panel = host.panel(VotingPanel.dock_name, raise_it=raise_it)
    return panel if isinstance(panel, VotingPanel) else None


def voting_button(host: PanelHost, name: str) -> Callable[[], bool]:
    """Whether the voting panel's button ``name`` ("pass_laptop", "reveal") is enabled."""

    def enabled() -> bool:
        panel = voting_panel(host)
        if panel is None:
            return False
        button: QPushButton = {"pass_laptop": panel.pass_laptop, "reveal": panel.reveal}[name]
        return button.isEnabled()

    return enabled


def voting(host: PanelHost, slot: str) -> Callable[[], None]:
    """A trigger raising the voting panel and calling its button's ``slot``."""

    def trigger() -> None:
        panel = voting_panel(host, raise_it=True)
        if panel is not None:
            {
                "new_round": panel.new_round,
                "open_ballots": panel.open_ballots,
                "reveal_votes": panel.reveal_votes,
            }[slot]()

    return trigger


def new_pain(host: PanelHost) -> None:
    """The pain register's "New pain from selection"."""
    from cxmapper.ui.panels.pains import PainPanel

    panel = host.panel(PainPanel.dock_name, raise_it=True)
    if isinstance(panel, PainPanel):
        panel.new_pain()


def new_macro(host: PanelHost) -> None:
    """The action plan's "Macro action from selected pains"."""
    from cxmapper.ui.panels.actions import ActionPanel

    panel = host.panel(ActionPanel.dock_name, raise_it=True)
    if isinstance(panel, ActionPanel):
        panel.new_macro()
