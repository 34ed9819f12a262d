"""The Summary tab: the facts a person asks first (where is it, how big, when, what kind, which tags)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ecrtui.ui.format import exact_time, human_size, relative_time
from ecrtui.ui.widgets.inspector.describe import exact_bytes, media_type_name
from ecrtui.ui.widgets.inspector.facts import Fact, FactList
from ecrtui.ui.widgets.inspector.immediate_scroll import ImmediateScroll
from ecrtui.ui.widgets.inspector.view import all_warnings, image_uris, platform_summary, scan_text

if TYPE_CHECKING:
    from ecrtui.ecr.details import ImageDetails
    from ecrtui.ecr.models import ImageSummary


class SummaryTab(ImmediateScroll, VerticalScroll):
    """Warnings (prominent, first) above aligned facts."""

    def __init__(self) -> None:
        super().__init__(classes="tab-body")

    def compose(self) -> ComposeResult:
        yield Static(id="summary-warnings", classes="warnings -empty", markup=False)
        yield FactList(id="summary-facts", classes="facts")

    @property
    def text(self) -> str:
        """The facts and warnings as plain text."""
        warnings = self.query_one("#summary-warnings", Static)
        facts = self.query_one("#summary-facts", FactList).text
        return f"{warnings.content}\n{facts}" if not warnings.has_class("-empty") else facts

    def show(self, details: ImageDetails, now: datetime, named_by_index: str | None = None) -> None:
        """Show ``details``; relative times are measured from ``now`` (the app's clock); ``named_by_index`` is the
        platform the parent index gives an opened child (shown when the child's own config says none)."""
        summary = details.summary
        manifest = details.manifest
        tag_uri, digest_uri = image_uris(details)
        rows: list[Fact] = [
            ("URI (tag)", tag_uri or Content.styled("untagged", "$text-muted italic")),
            ("URI (digest)", digest_uri),
            ("Digest", summary.digest),
            ("Size", _size_text(details)),
            ("Pushed", _when(summary.pushed_at, now)),
            ("Last pull", _when(summary.last_pulled_at, now, never="never pulled")),
            *_status_facts(summary, now),
            ("Media type", f"{media_type_name(manifest.media_type)} ({manifest.media_type or 'none'})"),
            ("Kind", str(manifest.kind)),
            (
                "Tags",
                ", ".join(summary.tags) if summary.tags else Content.styled("none", "$text-muted italic"),
            ),
            ("Platform", platform_summary(details, named_by_index)),
        ]
        artifact_type = getattr(manifest, "artifact_type", None) or summary.artifact_media_type
        if artifact_type and str(manifest.kind) == "artifact":
            rows.append(("Artifact type", artifact_type))
        subject = getattr(manifest, "subject", None)
        if subject is not None:
            rows.append(("Subject", f"{subject.digest} ({media_type_name(subject.media_type)})"))
        rows.append(("Scan", scan_text(summary)))
        self.query_one("#summary-facts", FactList).set_rows(rows)

        warnings = all_warnings(details)
        box = self.query_one("#summary-warnings", Static)
        box.set_class(not warnings, "-empty")
        box.update(Content("\n").join(Content(f"⚠ {warning}") for warning in warnings))
        self.scroll_home(animate=False)


def _when(moment: datetime | None, now: datetime, never: str = "-") -> str:
    if moment is None:
        return never
    return f"{exact_time(moment)} ({relative_time(moment, now)})"


def _status_facts(summary: ImageSummary, now: datetime) -> list[Fact]:
    """A Status line for an image that is not simply active: archived (since when) or being restored."""
    if summary.status == "ARCHIVED":
        since = f" since {_when(summary.last_archived_at, now)}" if summary.last_archived_at else ""
        return [("Status", Content.styled(f"archived{since}: restore it (A) to pull it", "$text-warning"))]
    if summary.status == "ACTIVATING":
        return [("Status", Content.styled("being restored (ACTIVATING, up to 20 minutes)", "$text-accent"))]
    return []


def _size_text(details: ImageDetails) -> str:
    size = details.summary.size_bytes
    if size is not None:
        return f"{human_size(size)} ({exact_bytes(size)})"
    if details.children:
        return "- (an index has no size of its own: see Platforms)"
    return "-"
