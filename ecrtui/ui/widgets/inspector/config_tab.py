"""The Config tab: how a container of the image runs (Env, Entrypoint, Cmd, ports, labels, healthcheck...).

Values are shown in full (an inspector that hides them is useless) but never logged.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ecrtui.ui.format import exact_time
from ecrtui.ui.widgets.inspector.describe import human_duration_ns
from ecrtui.ui.widgets.inspector.facts import Fact, FactList
from ecrtui.ui.widgets.inspector.immediate_scroll import ImmediateScroll
from ecrtui.ui.widgets.inspector.view import no_config_reason

if TYPE_CHECKING:
    from ecrtui.ecr.config import Healthcheck, ImageConfig
    from ecrtui.ecr.details import ImageDetails


class ConfigTab(ImmediateScroll, VerticalScroll):
    """The image config's runtime settings, with Env and Labels as two-column tables."""

    def __init__(self) -> None:
        super().__init__(classes="tab-body")
        self._env: list[tuple[str, str]] = []
        """Env entries shown, split at the first ``=``."""
        self._labels: list[tuple[str, str]] = []
        """Labels shown, sorted by name."""

    def compose(self) -> ComposeResult:
        yield Static(id="config-notice", classes="notice", markup=False)
        yield FactList(id="config-facts", classes="facts")
        yield Static("Env", classes="section-title", id="config-env-title", markup=False)
        yield FactList(id="config-env", classes="facts")
        yield Static("Labels", classes="section-title", id="config-labels-title", markup=False)
        yield FactList(id="config-labels", classes="facts")

    @property
    def text(self) -> str:
        """Everything the tab shows, as plain text (for tests and copy)."""
        notice = self.query_one("#config-notice", Static)
        parts = [str(notice.content)] if notice.display else []
        parts.append(self.query_one("#config-facts", FactList).text)
        parts.extend(f"{key}={value}" for key, value in self._env)
        parts.extend(f"{key}={value}" for key, value in self._labels)
        return "\n".join(parts)

    def show(self, details: ImageDetails) -> None:
        """Show the config of an image, or why there is none (an index, an artifact, schema 1)."""
        config = details.config
        facts = self.query_one("#config-facts", FactList)
        notice = self.query_one("#config-notice", Static)
        sections = ("config-env-title", "config-env", "config-labels-title", "config-labels")
        self._env, self._labels = [], []
        if config is None:
            notice.update(no_config_reason(details))
            notice.display = True
            facts.set_rows([])
            for name in sections:
                self.query_one(f"#{name}").display = False
            self.scroll_home(animate=False)
            return
        notice.display = False
        facts.set_rows(_config_facts(config))
        self._env = _env_pairs(config.env)
        self._labels = sorted(config.labels.items())
        self._show_pairs("config-env", "Env", self._env)
        self._show_pairs("config-labels", "Labels", self._labels)
        self.scroll_home(animate=False)

    def _show_pairs(self, name: str, title: str, pairs: list[tuple[str, str]]) -> None:
        """A titled section of name/value rows, aligned like the facts above it (long names fold, values wrap)."""
        title_widget = self.query_one(f"#{name}-title", Static)
        body = self.query_one(f"#{name}", FactList)
        title_widget.display = True
        title_widget.update(f"{title} ({len(pairs)})" if pairs else f"{title}: none")
        body.display = bool(pairs)
        body.set_rows([(key, Content(value)) for key, value in pairs])


def _config_facts(config: ImageConfig) -> list[Fact]:
    rows: list[Fact] = [
        ("Entrypoint", _command(config.entrypoint)),
        ("Cmd", _command(config.cmd)),
        ("WorkingDir", config.working_dir or "-"),
        ("User", config.user or "- (root)"),
        ("ExposedPorts", ", ".join(config.exposed_ports) or "none"),
        ("Volumes", ", ".join(config.volumes) or "none"),
        ("StopSignal", config.stop_signal or "- (SIGTERM)"),
    ]
    rows.extend(_healthcheck_rows(config.healthcheck))
    rows.extend(
        [
            ("Created", exact_time(config.created)),
            ("Author", config.author or "-"),
            ("Platform", _platform(config)),
        ]
    )
    return rows


def _platform(config: ImageConfig) -> str:
    text = config.platform_text
    return f"{text} ({config.os_version})" if config.os_version else text


def _command(argv: tuple[str, ...] | None) -> str:
    """An exec-form command as a shell would read it; ``-`` when unset."""
    if argv is None:
        return "-"
    if not argv:
        return "[] (empty)"
    return shlex.join(argv)


def _healthcheck_rows(check: Healthcheck | None) -> list[Fact]:
    if check is None or not check.test:
        return [("Healthcheck", "none")]
    kind, *args = check.test
    if kind == "NONE":
        return [("Healthcheck", "disabled (NONE)")]
    test = args[0] if kind == "CMD-SHELL" and args else shlex.join(args)
    rows: list[Fact] = [("Healthcheck", f"{kind} {test}".strip())]
    timings = [
        ("interval", check.interval),
        ("timeout", check.timeout),
        ("start period", check.start_period),
        ("start interval", check.start_interval),
    ]
    detail = [f"{label} {human_duration_ns(value)}" for label, value in timings if value]
    if check.retries:
        detail.append(f"retries {check.retries}")
    if detail:
        rows.append(("", ", ".join(detail)))
    return rows


def _env_pairs(env: tuple[str, ...]) -> list[tuple[str, str]]:
    """``NAME=value`` entries split at the first ``=`` (in image order: later entries win at runtime)."""
    pairs: list[tuple[str, str]] = []
    for entry in env:
        key, sep, value = entry.partition("=")
        pairs.append((key, value if sep else ""))
    return pairs
