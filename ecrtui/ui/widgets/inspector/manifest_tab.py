"""The Manifest tab: the exact stored manifest, pretty-printed and highlighted, with its digest checked.

The digest is recomputed over the raw bytes (not the pretty copy on screen): that is what a registry addresses,
and a mismatch with the digest ECR reported means the bytes were altered somewhere.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from ecrtui.ui.widgets.inspector.describe import exact_bytes, media_type_name
from ecrtui.ui.widgets.inspector.json_view import JsonView

if TYPE_CHECKING:
    from ecrtui.ecr.details import ImageDetails


def verify_digest(raw: bytes, expected: str) -> bool | None:
    """Whether ``expected`` is the digest of ``raw``; ``None`` for an algorithm we cannot check."""
    algorithm, _, encoded = expected.partition(":")
    if algorithm not in ("sha256", "sha384", "sha512"):
        return None
    return hashlib.new(algorithm, raw).hexdigest() == encoded


class ManifestTab(Vertical):
    """The digest line over a scrollable JSON view."""

    def __init__(self) -> None:
        super().__init__(classes="tab-body")
        self.verified: bool | None = None
        """Whether the raw manifest bytes hash to the reported digest (``None``: not checkable)."""

    def compose(self) -> ComposeResult:
        yield Static(id="manifest-digest", markup=False)
        yield JsonView(id="manifest-json")

    @property
    def json_view(self) -> JsonView:
        """The highlighted document."""
        return self.query_one("#manifest-json", JsonView)

    @property
    def digest_line(self) -> str:
        """The verification line as plain text."""
        return str(self.query_one("#manifest-digest", Static).content)

    def show(self, details: ImageDetails) -> None:
        """Show the manifest of ``details`` and whether its bytes match the digest ECR reported."""
        manifest = details.manifest
        expected = details.summary.digest or manifest.digest
        self.verified = verify_digest(manifest.raw, expected)
        if self.verified is None:
            check = Content.styled("digest algorithm not checkable", "$text-warning")
        elif self.verified:
            check = Content.styled(f"{expected.partition(':')[0]} verified ✓", "$text-success bold")
        else:
            actual = "sha256:" + hashlib.sha256(manifest.raw).hexdigest()
            check = Content.styled(f"MISMATCH ✗ bytes hash to {actual}", "$text-error bold")
        line = Content.assemble(
            expected,
            "  ",
            check,
            "\n",
            Content.styled(
                f"{media_type_name(manifest.media_type)} · {exact_bytes(len(manifest.raw))} stored",
                "$text-muted",
            ),
        )
        digest_widget = self.query_one("#manifest-digest", Static)
        digest_widget.set_class(self.verified is False, "-mismatch")
        digest_widget.update(line)
        self.json_view.set_document(manifest.raw)
