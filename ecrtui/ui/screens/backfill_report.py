"""One backfill in full: where to, how it ended, and its per-image results, failures first with their codes explained.

ECR publishes a backfill's results once it has ended; until then the screen shows its progress and says so. A
backfill of a whole registry has one result per image and tag, so the controller reads a bounded number of them
(failures first) and the screen says how many it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from ecrtui.ecr.replication import BackfillReport, ReplicationBackfill, explain_failure
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.format import count, exact_time
from ecrtui.ui.replication_text import backfill_counts, backfill_started, status_style
from ecrtui.ui.widgets.inspector.row_table import RowTable

__all__ = ["BackfillReportScreen", "report_facts"]

_COLUMNS = ("Status", "Failure code", "Image")
"""The image last: a long name runs off at 80 columns, the status and the code never do."""


def report_facts(backfill: ReplicationBackfill, now: datetime) -> list[str]:
    """The lines above the results: id, destination, status, times, counts, failure codes explained."""
    lines = [
        f"Backfill     {backfill.backfill_id}",
        f"Destination  {backfill.destination.label}",
        f"Status       {backfill.status.value}",
        f"Started      {exact_time(backfill.started_at)} ({backfill_started(backfill, now)})",
    ]
    if backfill.ended_at is not None:
        lines.append(f"Ended        {exact_time(backfill.ended_at)}")
    lines.append(f"Progress     {backfill_counts(backfill, codes=False)}")
    if backfill.failure_code:
        lines.append(f"Failed       {explain_failure(backfill.failure_code)}")
    codes = backfill.progress.failure_codes if backfill.progress else ()
    lines.extend(f"Failure code {explain_failure(code)}" for code in codes)
    return lines


class BackfillReportScreen(ModalScreen[None]):
    """Facts about the backfill, then a table of results; ``esc`` closes."""

    CSS_PATH = "replication.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_of("view.close")

    def __init__(self, backfill: ReplicationBackfill, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._backfill = backfill
        self._clock = clock
        self.report: BackfillReport | None = None
        """The results shown (None while they load)."""

    def action_close(self) -> None:
        """Back to the replication view."""
        self.dismiss(None)

    def compose(self) -> ComposeResult:
        with Vertical(id="backfill-report-body") as body:
            body.border_title = f"Backfill to {self._backfill.destination.label}"
            body.border_subtitle = "esc to close"
            yield Static(
                "\n".join(report_facts(self._backfill, self._clock())), id="backfill-facts", markup=False
            )
            yield Static("Loading the per-image results…", id="backfill-results-note", markup=False)
            yield RowTable(id="backfill-results", cursor_type="row", zebra_stripes=False)
            yield Static(id="backfill-result-detail", markup=False)
        yield Footer()

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#backfill-results", DataTable)

    @property
    def note(self) -> str:
        return str(self.query_one("#backfill-results-note", Static).content)

    def on_mount(self) -> None:
        self.table.add_columns(*_COLUMNS)
        self.table.display = False

    def show_error(self, message: str) -> None:
        self.query_one("#backfill-results-note", Static).update(message)

    def show(self, report: BackfillReport) -> None:
        """The backfill as last read, and its results (failures first)."""
        self.report = report
        backfill = report.backfill
        self.query_one("#backfill-facts", Static).update("\n".join(report_facts(backfill, self._clock())))
        table = self.table
        table.clear()
        for number, result in enumerate(report.results):
            status = str(result.status)
            codes = result.failure_code or ""
            if result.sub_image_failure_codes:
                codes += f" ({', '.join(result.sub_image_failure_codes)})"
            table.add_row(Text(status, style=status_style(status)), codes, result.label, key=str(number))
        table.display = bool(report.results)
        if report.results:
            table.focus()
        self.query_one("#backfill-results-note", Static).update(self._note(report))

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        results = self.report.results if self.report is not None else ()
        row = event.cursor_row
        detail = ""
        if 0 <= row < len(results):
            result = results[row]
            detail = f"{result.label} ({result.digest})" + (f"\n{result.detail}" if result.detail else "")
        self.query_one("#backfill-result-detail", Static).update(detail)

    @staticmethod
    def _note(report: BackfillReport) -> str:
        backfill = report.backfill
        if not backfill.status.is_final:
            return "ECR publishes the per-image results when the backfill ends (r in the replication view reloads)."
        total = backfill.progress.total if backfill.progress else len(report.results)
        if not report.results:
            return "No image was replicated."
        failed = len(report.failures)
        shown = (
            f"{count(len(report.results))} of {count(total)} results"
            if len(report.results) < total
            else "results"
        )
        return f"Per-image {shown}, failures first ({count(failed)} failed)"
