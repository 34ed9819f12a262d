"""The one-line header: which registry you are looking at, and whether changes are allowed."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class HeaderBar(Widget):
    """Profile, account, region, a READ-ONLY badge and a short status (e.g. "starting sandbox…")."""

    DEFAULT_CSS = """
    HeaderBar {
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    profile: reactive[str] = reactive("")
    """The AWS profile of the open registry (empty: the default chain)."""
    account: reactive[str] = reactive("")
    """The 12-digit account, once STS has answered."""
    aws_region: reactive[str] = reactive("")
    """The region of the open registry."""
    read_only: reactive[bool] = reactive(False)
    """Show the READ-ONLY badge."""
    status: reactive[str] = reactive("")
    """A short state line, e.g. "loading boto3…"."""

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = [(" ecrtui ", "bold reverse $primary")]
        for label, value in (
            ("profile", self.profile),
            ("account", self.account),
            ("region", self.aws_region),
        ):
            parts += [(f"  {label} ", "dim"), (value or "…", "bold")]
        if self.read_only:
            parts += ["  ", (" READ-ONLY ", "bold $text-warning on $warning-muted")]
        if self.status:
            parts.append((f"  {self.status}", "italic dim"))
        return Content.assemble(*parts)
