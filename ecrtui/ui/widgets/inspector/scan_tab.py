"""The Scan tab: the image's vulnerability findings, most severe first, with fix and exploit availability.

Loaded on demand: the findings (``DescribeImageScanFindings``, every page) are fetched in the tab's own worker the
first time the tab is shown for an image, and cached by ``CachedEcr`` until the repository's images change (a
scan started with ``S`` invalidates them). An image that was never scanned, an archived image, an index or an
artifact says why there is nothing to show, without a call.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from ecrtui.ecr.scans import SEVERITY_ORDER, Finding, ScanFindings
from ecrtui.ui.error_report import one_line
from ecrtui.ui.format import exact_time
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.widgets.inspector.row_table import RowTable
from ecrtui.ui.widgets.inspector.tab_visibility import tab_shown

if TYPE_CHECKING:
    from ecrtui.ecr.details import ImageDetails

__all__ = ["FindingsSource", "ScanTab", "no_scan_reason"]

COLUMNS = ("Severity", "Finding", "Package", "Installed", "Fixed in", "Fix", "Exploit", "Score")
SEVERITY_STYLES = {
    "CRITICAL": "bold $text-error",
    "HIGH": "$text-error",
    "MEDIUM": "$text-warning",
    "LOW": "",
}
"""Theme variables per severity (informational and undefined findings are dim)."""
_VARIABLE = re.compile(r"\$([a-z0-9-]+)")
START_HINT = "S starts a scan (read-only mode: no)."


@runtime_checkable
class FindingsSource(Protocol):
    """What the tab reads (``CachedEcr``)."""

    def get_scan_findings(
        self,
        repository_name: str,
        digest: str,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
    ) -> ScanFindings: ...


def no_scan_reason(details: ImageDetails) -> str | None:
    """Why the image has no findings to fetch (``None``: ask ECR)."""
    summary = details.summary
    kind = str(details.manifest.kind)
    if summary.status in ("ARCHIVED", "ACTIVATING"):
        return "Archived images are not scanned: restore it (A), then scan it."
    if kind == "index":
        return (
            "An index is not scanned itself: open one of its platforms (Platforms tab) to see its findings."
        )
    if kind == "artifact":
        return "An artifact (a signature, an SBOM, a chart...) is not scanned."
    if not summary.scan_status:
        return f"Not scanned yet. {START_HINT}"
    return None


def severity_style(severity: str) -> str:
    return SEVERITY_STYLES.get(severity, "dim")


def resolve_style(style: str, variables: Mapping[str, str]) -> str:
    """A style with the theme's colours put in for ``$variables`` (a table cell takes Rich styles only)."""
    return _VARIABLE.sub(lambda match: variables.get(match.group(1), ""), style).strip()


def counts_line(findings: ScanFindings) -> Content:
    """``CRITICAL 1  HIGH 2  MEDIUM 7  LOW 5`` in severity colours, then what has a fix or an exploit."""
    counts = findings.severity_counts
    parts: list[str | tuple[str, str]] = []
    for severity in SEVERITY_ORDER:
        number = counts.get(severity)
        if number:
            style = severity_style(severity)
            parts += [(f"{severity} {number}", style) if style else f"{severity} {number}", "  "]
    if not any(counts.values()):
        parts.append(("no findings", "$text-success"))
    if findings.enhanced:
        parts.append(f"· fix available: {findings.fixable} · exploit known: {findings.exploitable}")
    return Content.assemble(*parts)


def _finding_detail(finding: Finding) -> str:
    lines = [f"{finding.name} ({finding.severity})"]
    if finding.description:
        lines.append(finding.description)
    if finding.uri:
        lines.append(finding.uri)
    return "\n".join(lines)


class ScanTab(Vertical):
    """Status and counts above a table of findings; the highlighted finding in full below."""

    DEFAULT_CSS = """
    ScanTab #scan-status, ScanTab #scan-counts {
        height: auto;
        padding: 0 1;
    }
    ScanTab #scan-counts {
        background: $boost;
    }
    ScanTab #scan-detail {
        height: auto;
        max-height: 6;
        padding: 0 1;
        border-top: solid $panel;
    }
    """

    class _Loaded(Message):
        def __init__(self, request: int, findings: ScanFindings) -> None:
            super().__init__()
            self.request = request
            self.findings = findings

    class _Failed(Message):
        def __init__(self, request: int, error: Exception) -> None:
            super().__init__()
            self.request = request
            self.error = error

    def __init__(self) -> None:
        super().__init__(classes="tab-body")
        self._details: ImageDetails | None = None
        self._source: FindingsSource | None = None
        self._request = 0
        self._loaded_for: str | None = None
        """The digest whose findings are on screen (or being fetched)."""
        self._findings: ScanFindings | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="scan-status", markup=False)
        yield Static(id="scan-counts")
        yield RowTable(id="scan-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="scan-detail", markup=False)

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#scan-table", DataTable)

    @property
    def status_text(self) -> str:
        return str(self.query_one("#scan-status", Static).content)

    @property
    def findings(self) -> ScanFindings | None:
        """The findings on screen, once fetched."""
        return self._findings

    def show(self, details: ImageDetails, source: object) -> None:
        """The image now in the inspector; its findings are fetched when the tab is shown."""
        self._details = details
        self._source = source if isinstance(source, FindingsSource) else None
        self._request += 1
        self._loaded_for = None
        self._findings = None
        self._set_findings_visible(False)
        reason = no_scan_reason(details)
        self.query_one("#scan-status", Static).update(reason or "Scan findings load when this tab is shown…")
        if reason is None and tab_shown(self):
            self._load_if_needed()

    def on_show(self) -> None:
        self._load_if_needed()

    def _load_if_needed(self) -> None:
        details = self._details
        if details is None or no_scan_reason(details) is not None:
            return
        if self._loaded_for == details.summary.digest:
            return
        if self._source is None:
            self.query_one("#scan-status", Static).update("Scan findings are not available here.")
            return
        self._loaded_for = details.summary.digest
        self.query_one("#scan-status", Static).update("Loading the scan findings…")
        self._load(self._source, details, self._request)

    @work(thread=True, exclusive=True, group="scan-load", exit_on_error=False)
    def _load(self, source: FindingsSource, details: ImageDetails, request: int) -> None:
        worker = get_current_worker()
        summary = details.summary
        try:
            findings = source.get_scan_findings(
                details.repository.name,
                summary.digest,
                summary.registry_id or details.repository.registry_id,
                cancel=worker.cancelled_event,
            )
        except Exception as error:  # reported by the App's error policy; the tab says it failed
            if not worker.is_cancelled:
                self.post_message(self._Failed(request, error))
            return
        if not worker.is_cancelled:
            self.post_message(self._Loaded(request, findings))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        message.stop()
        if message.request != self._request:
            return
        findings = self._findings = message.findings
        when = f", {exact_time(findings.completed_at)}" if findings.completed_at else ""
        source = "enhanced scanning (Amazon Inspector)" if findings.enhanced else "basic scanning"
        status = f"Scan {findings.status}{when} · {source}"
        if findings.description:
            status += f"\n{findings.description}"
        self.query_one("#scan-status", Static).update(status)
        self.query_one("#scan-counts", Static).update(counts_line(findings))
        table = self.table
        table.clear(columns=True)
        table.add_columns(*COLUMNS)
        variables = self.app.get_css_variables()
        for number, finding in enumerate(findings.findings):
            style = resolve_style(severity_style(finding.severity), variables)
            cells = (
                finding.name,
                finding.package or "-",
                finding.package_version or "-",
                finding.fixed_in_version or "-",
                (finding.fix_available or "-").lower(),
                (finding.exploit_available or "-").lower(),
                "-" if finding.score is None else f"{finding.score:.1f}",
            )
            table.add_row(Text(finding.severity, style=style), *map(Text, cells), key=str(number))
        self._set_findings_visible(True)
        if findings.findings:
            table.move_cursor(row=0)
            self._detail(0)

    def _set_findings_visible(self, visible: bool) -> None:
        self.query_one("#scan-counts").display = visible
        self.table.display = visible and bool(self._findings and self._findings.findings)
        self.query_one("#scan-detail").display = self.table.display

    def _detail(self, row: int) -> None:
        findings = self._findings
        if findings is not None and 0 <= row < len(findings.findings):
            self.query_one("#scan-detail", Static).update(_finding_detail(findings.findings[row]))

    @on(DataTable.RowHighlighted, "#scan-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail(event.cursor_row)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        message.stop()
        if message.request != self._request:
            return
        self._loaded_for = None
        self.query_one("#scan-status", Static).update(
            f"Could not read the findings: {one_line(message.error)}"
        )
        details = self._details
        what = details.summary.digest if details is not None else "the image"
        self.post_message(EcrFailed(message.error, f"reading the scan findings of {what}"))
