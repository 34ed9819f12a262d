"""The Referrers tab: the signatures, SBOMs and attestations that name the image as their subject.

Loaded on demand, like the Scan tab: ``ListImageReferrers`` (every page) runs in the tab's own worker the first
time the tab is shown for an image, cached by ``CachedEcr`` until the repository's images change. Artifacts that
point at the image the older way, by cosign's tag ``sha256-<hex>.sig`` (``.att``, ``.sbom``), name no subject, so
ECR does not list them: they are found by their tag in the cached Images listing and listed too. ``enter`` opens a
referrer in the inspector, in place (``esc`` comes back), with its listing from the cached Images listing when
there is one.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from ecrtui.ecr.descriptors import Descriptor
from ecrtui.ecr.details import ChildImage
from ecrtui.ecr.mediatypes import legacy_referrer_kind, legacy_referrer_tags, referrer_kind
from ecrtui.ecr.refs import short_digest
from ecrtui.ecr.transfers import Referrer
from ecrtui.ui.error_report import one_line
from ecrtui.ui.format import human_size
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.widgets.inspector.row_table import RowTable
from ecrtui.ui.widgets.inspector.tab_visibility import tab_shown

if TYPE_CHECKING:
    from ecrtui.ecr.details import ImageDetails

__all__ = ["ReferrersSource", "ReferrersTab", "referrer_child", "tag_referrers"]

COLUMNS = ("Kind", "Artifact type", "Digest", "Size", "State")


@runtime_checkable
class ReferrersSource(Protocol):
    """What the tab reads (``CachedEcr``)."""

    def list_referrers(
        self,
        repository_name: str,
        subject_digest: str,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
    ) -> list[Referrer]: ...


def referrer_child(referrer: Referrer, listing: Any = None) -> ChildImage:
    """A referrer as something the inspector opens in place (its listed summary when the listing has it)."""
    descriptor = Descriptor.model_validate(
        {
            "mediaType": referrer.media_type,
            "digest": referrer.digest,
            "size": referrer.size,
            "artifactType": referrer.artifact_type,
            "annotations": dict(referrer.annotations),
        }
    )
    summary = listing.get(referrer.digest) if listing is not None else None
    return ChildImage(descriptor=descriptor, summary=summary)


def tag_referrers(listing: Any, subject_digest: str) -> list[tuple[str, Referrer]]:
    """``(tag, referrer)`` of each artifact tagged with cosign's tag for ``subject_digest`` in an ``ImageListing``."""
    found: list[tuple[str, Referrer]] = []
    for tag, position in listing.tagged(legacy_referrer_tags(subject_digest)):
        image = listing.summary(position)
        referrer = Referrer(
            digest=image.digest,
            media_type=image.manifest_media_type or "",
            artifact_type=image.artifact_media_type,
            size=image.size_bytes or 0,
            status=image.status or "ACTIVE",
        )
        found.append((tag, referrer))
    return found


class ReferrersTab(Vertical):
    """A table of the image's referrers; ``enter`` opens one."""

    DEFAULT_CSS = """
    ReferrersTab #referrers-status {
        height: auto;
        padding: 0 1;
    }
    ReferrersTab #referrers-detail {
        height: auto;
        max-height: 8;
        padding: 0 1;
        border-top: solid $panel;
    }
    """

    class ReferrerChosen(Message):
        """A referrer was chosen with ``enter``: the inspector opens it."""

        def __init__(self, child: ChildImage) -> None:
            super().__init__()
            self.child = child

    class _Loaded(Message):
        def __init__(
            self, request: int, children: list[ChildImage], referrers: list[Referrer], tags: dict[str, str]
        ) -> None:
            super().__init__()
            self.request = request
            self.children = children
            self.referrers = referrers
            self.tags = tags

    class _Failed(Message):
        def __init__(self, request: int, error: Exception) -> None:
            super().__init__()
            self.request = request
            self.error = error

    def __init__(self) -> None:
        super().__init__(classes="tab-body")
        self._details: ImageDetails | None = None
        self._source: ReferrersSource | None = None
        self._request = 0
        self._loaded_for: str | None = None
        self._referrers: list[Referrer] = []
        self._children: list[ChildImage] = []
        self._tags: dict[str, str] = {}
        """Digest -> cosign tag, for the referrers found by tag rather than by subject."""

    def compose(self) -> ComposeResult:
        yield Static(id="referrers-status", markup=False)
        yield RowTable(id="referrers-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="referrers-detail", markup=False)

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#referrers-table", DataTable)

    @property
    def referrers(self) -> list[Referrer]:
        """The referrers on screen, once listed."""
        return list(self._referrers)

    @property
    def status_text(self) -> str:
        return str(self.query_one("#referrers-status", Static).content)

    def show(self, details: ImageDetails, source: object) -> None:
        """The image now in the inspector; its referrers are listed when the tab is shown."""
        self._details = details
        self._source = source if isinstance(source, ReferrersSource) else None
        self._request += 1
        self._loaded_for = None
        self._referrers, self._children, self._tags = [], [], {}
        self.table.display = self.query_one("#referrers-detail").display = False
        self.query_one("#referrers-status", Static).update("Referrers load when this tab is shown…")
        if tab_shown(self):
            self._load_if_needed()

    def on_show(self) -> None:
        self._load_if_needed()

    def _load_if_needed(self) -> None:
        details = self._details
        if details is None or self._loaded_for == details.summary.digest:
            return
        if self._source is None:
            self.query_one("#referrers-status", Static).update("Referrers are not available here.")
            return
        self._loaded_for = details.summary.digest
        self.query_one("#referrers-status", Static).update("Listing the referrers…")
        self._load(self._source, details, self._request)

    @work(thread=True, exclusive=True, group="referrers-load", exit_on_error=False)
    def _load(self, source: ReferrersSource, details: ImageDetails, request: int) -> None:
        worker = get_current_worker()
        repository, summary = details.repository, details.summary
        rid = summary.registry_id or repository.registry_id
        try:
            referrers = source.list_referrers(
                repository.name, summary.digest, rid, cancel=worker.cancelled_event
            )
            cached = getattr(source, "cached_listing", None)
            listing = cached(repository.name, rid) if callable(cached) else None
            listed = {referrer.digest for referrer in referrers}
            tags: dict[str, str] = {}
            for tag, referrer in tag_referrers(listing, summary.digest) if listing is not None else ():
                if referrer.digest not in listed and referrer.digest not in tags:
                    tags[referrer.digest] = tag
                    referrers = [*referrers, referrer]
            children = [referrer_child(referrer, listing) for referrer in referrers]
        except Exception as error:  # reported by the App's error policy; the tab says it failed
            if not worker.is_cancelled:
                self.post_message(self._Failed(request, error))
            return
        if not worker.is_cancelled:
            self.post_message(self._Loaded(request, children, referrers, tags))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        message.stop()
        if message.request != self._request:
            return
        self._referrers, self._children, self._tags = message.referrers, message.children, message.tags
        status = self.query_one("#referrers-status", Static)
        by_tag = len(self._tags)
        count = len(self._referrers) - by_tag
        if not self._referrers:
            status.update("No signatures, SBOMs or attestations name this image as their subject.")
            return
        said = [f"{count} referrer{'s' * (count != 1)} name this image as their subject"] if count else []
        if by_tag:
            said.append(f"{by_tag} point{'s' * (by_tag == 1)} at it by cosign's tag")
        status.update(", ".join(said) + " · enter: open")
        table = self.table
        table.clear(columns=True)
        table.add_columns(*COLUMNS)
        for number, referrer in enumerate(self._referrers):
            tag = self._tags.get(referrer.digest)
            kind = (
                legacy_referrer_kind(tag)
                if tag
                else referrer_kind(referrer.artifact_type or referrer.media_type)
            )
            table.add_row(
                Text(kind),
                Text("(cosign tag)" if tag else referrer.artifact_type or "-"),
                Text(short_digest(referrer.digest)),
                Text(human_size(referrer.size), justify="right"),
                Text(referrer.status.lower()),
                key=str(number),
            )
        table.display = self.query_one("#referrers-detail").display = True
        table.move_cursor(row=0)
        self._detail(0)

    def _detail(self, row: int) -> None:
        if not 0 <= row < len(self._referrers):
            return
        referrer = self._referrers[row]
        lines = [referrer.digest, referrer.media_type]
        tag = self._tags.get(referrer.digest)
        if tag:
            lines.append(f"tag: {tag} (cosign's convention: the artifact names no subject)")
        lines += [f"{key}: {value}" for key, value in sorted(referrer.annotations.items())]
        self.query_one("#referrers-detail", Static).update("\n".join(lines))

    @on(DataTable.RowHighlighted, "#referrers-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail(event.cursor_row)

    @on(DataTable.RowSelected, "#referrers-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._children):
            self.post_message(self.ReferrerChosen(self._children[event.cursor_row]))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        message.stop()
        if message.request != self._request:
            return
        self._loaded_for = None
        self.query_one("#referrers-status", Static).update(
            f"Could not list the referrers: {one_line(message.error)}"
        )
        details = self._details
        what = details.summary.digest if details is not None else "the image"
        self.post_message(EcrFailed(message.error, f"listing the referrers of {what}"))
