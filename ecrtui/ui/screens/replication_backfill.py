"""Start a backfill: pick one destination of the rules, told what ECR will copy there before anything starts.

A backfill copies the images already in the repositories whose rules name the destination (rules alone copy only
new pushes). ECR runs one backfill per destination region at a time: a destination whose region has one in
progress says so here, and ECR's own refusal is what the job reports if it is started anyway. ``enter`` starts it
(as a job of the jobs panel), ``esc`` cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ecrtui.ecr.replication import ReplicationBackfill, ReplicationConfiguration, ReplicationDestination
from ecrtui.ui.actions import bindings_of

__all__ = ["BackfillStartScreen", "backfill_plan"]


def backfill_plan(
    config: ReplicationConfiguration,
    destination: ReplicationDestination,
    backfills: Sequence[ReplicationBackfill] = (),
) -> str:
    """What a backfill to ``destination`` will do, and what stands in its way."""
    covered: list[str] = []
    for number, rule in enumerate(config.rules, 1):
        if destination in rule.destinations:
            which = (
                "the repositories starting " + ", ".join(rule.repository_prefixes)
                if rule.repository_prefixes
                else "every repository"
            )
            covered.append(f"{which} (rule {number})")
    lines = [
        f"ECR copies every image and tag already in {' and '.join(covered) or 'no repository'} to "
        f"{destination.label}, server-side; images already there are kept. The jobs panel follows it; stopping the "
        "job stops the backfill."
    ]
    requirement = config.requirement(destination)
    if requirement:
        lines.append(f"Another account: {requirement}; images it refuses fail with a failure code.")
    running = [b for b in backfills if not b.status.is_final and b.destination.region == destination.region]
    if running:
        lines.append(
            f"A backfill to {running[0].destination.label} is {running[0].status.value}: ECR runs one per destination "
            "region at a time and will refuse this one until it ends."
        )
    return "\n\n".join(lines)


class BackfillStartScreen(ModalScreen[ReplicationDestination | None]):
    """The rules' destinations; the highlighted one's plan below them."""

    CSS_PATH = "replication.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel")

    def __init__(
        self,
        config: ReplicationConfiguration,
        backfills: Sequence[ReplicationBackfill],
        preselected: ReplicationDestination | None = None,
    ) -> None:
        super().__init__()
        self._config = config
        self._backfills = tuple(backfills)
        self._destinations = config.destinations
        self._preselected = preselected

    def compose(self) -> ComposeResult:
        with Vertical(id="replication-backfill-body") as body:
            body.border_title = "Backfill: replicate the images already here"
            body.border_subtitle = "enter: start · esc: cancel"
            yield OptionList(
                *(Option(d.label, id=d.key) for d in self._destinations), id="replication-backfill-list"
            )
            yield Static(id="replication-backfill-plan", markup=False)

    @property
    def plan(self) -> str:
        """What the highlighted destination's backfill will do."""
        return str(self.query_one("#replication-backfill-plan", Static).content)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._preselected in self._destinations:
            options.highlighted = self._destinations.index(self._preselected)
        elif self._destinations:
            options.highlighted = 0
        options.focus()
        self._show_plan()

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._show_plan()

    def _show_plan(self) -> None:
        index = self.query_one(OptionList).highlighted
        text = ""
        if index is not None and 0 <= index < len(self._destinations):
            text = backfill_plan(self._config, self._destinations[index], self._backfills)
        self.query_one("#replication-backfill-plan", Static).update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._destinations[event.option_index])

    def action_cancel(self) -> None:
        """Start nothing."""
        self.dismiss(None)
