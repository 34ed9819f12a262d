"""The image inspector: each tab's content, tab keys, child navigation, loading/error states, snapshots.

Details are built from real documents in the shared corpus (exact bytes, real digests) with synthetic repository
and listing models, and, in ``TestAgainstSandbox``, fetched from the demo sandbox through the cached data layer.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.app import App, ComposeResult

from ecrtui.ecr.details import ChildImage, ImageDetails
from ecrtui.ecr.errors import NotFound
from ecrtui.ecr.manifests import ImageIndex, ImageManifest, parse_image_config, parse_manifest
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.ui.widgets.inspector import TAB_IDS, Inspector
from ecrtui.ui.widgets.inspector.config_tab import ConfigTab
from ecrtui.ui.widgets.inspector.layers_tab import LayersTab
from ecrtui.ui.widgets.inspector.manifest_tab import ManifestTab
from ecrtui.ui.widgets.inspector.platforms_tab import PlatformsTab
from ecrtui.ui.widgets.inspector.summary_tab import SummaryTab
from tests.corpus_data import corpus_bytes

DOCUMENT_TABS = TAB_IDS[:5]
"""The tabs that show the image's own documents (Scan and Referrers ask ECR: see test_manage_inspector)."""

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ACCOUNT = "111111111111"
REGION = "us-east-1"


def fixed_clock() -> datetime:
    return NOW


def corpus(name: str) -> bytes:
    return corpus_bytes(name)


def repository(name: str) -> Repository:
    return Repository(
        registry_id=ACCOUNT,
        name=name,
        arn=f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}",
        uri=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}",
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def summary_for(
    repo: Repository, raw: bytes, media_type: str, tags: tuple[str, ...], size: int | None, **extra: Any
) -> ImageSummary:
    return ImageSummary(
        registry_id=ACCOUNT,
        repository_name=repo.name,
        digest="sha256:" + hashlib.sha256(raw).hexdigest(),
        tags=tags,
        size_bytes=size,
        pushed_at=datetime(2026, 5, 29, 8, 30, tzinfo=UTC),
        last_pulled_at=datetime(2026, 5, 31, 22, 15, tzinfo=UTC),
        manifest_media_type=media_type,
        **extra,
    )


def image_details(
    repo_name: str, manifest_file: str, config_file: str | None, tags: tuple[str, ...], **extra: Any
) -> ImageDetails:
    repo = repository(repo_name)
    raw = corpus(manifest_file)
    manifest = parse_manifest(raw)
    config = parse_image_config(corpus(config_file)) if config_file else None
    size = manifest.total_size if isinstance(manifest, ImageManifest) else None
    summary = summary_for(repo, raw, manifest.media_type, tags, size, **extra)
    children = (
        tuple(ChildImage(descriptor=d, is_attestation=d.is_attestation) for d in manifest.manifests)
        if isinstance(manifest, ImageIndex)
        else ()
    )
    return ImageDetails(repository=repo, summary=summary, manifest=manifest, config=config, children=children)


def docker_httpd() -> ImageDetails:
    """Docker v2 schema 2, 5 gzip layers, 15 history steps (10 metadata-only)."""
    return image_details(
        "httpd",
        "docker-v2s2-httpd-5-layers.json",
        "config-docker-httpd-2.4.23.json",
        ("2.4.23", "latest"),
        scan_status="COMPLETE",
        scan_severity_counts={"HIGH": 2, "LOW": 5},
    )


def oci_regclient_v3() -> ImageDetails:
    """OCI image manifest (buildx), 5 layers, buildkit history."""
    return image_details(
        "testrepo", "oci-manifest-regclient-v3-amd64-5-layers.json", "config-regclient-v3-amd64.json", ()
    )


def jib_healthcheck() -> ImageDetails:
    """A config with every runtime field (healthcheck, ports, volumes, labels, user)."""
    return image_details(
        "jib",
        "oci-manifest-regclient-v1-amd64-2-layers.json",
        "config-jib-healthcheck-ports-volumes-labels.json",
        ("v1",),
    )


def child_v1_amd64() -> ImageDetails:
    return image_details(
        "testrepo",
        "oci-manifest-regclient-v1-amd64-2-layers.json",
        "config-regclient-v1-amd64-volumes-labels.json",
        (),
    )


def buildx_index() -> ImageDetails:
    """buildx index: linux/amd64, linux/arm64 and two unknown/unknown builder attestations."""
    repo = repository("testrepo")
    raw = corpus("oci-index-buildx-builder-attestations-unknown-platform.json")
    index = parse_manifest(raw)
    assert isinstance(index, ImageIndex)
    fetched = {
        m.digest: m
        for m in (
            parse_manifest(corpus("oci-manifest-regclient-v1-amd64-2-layers.json")),
            parse_manifest(corpus("artifact-buildx-attestation-regclient-oci-subject.json")),
        )
    }
    children = tuple(
        ChildImage(descriptor=d, manifest=fetched.get(d.digest), is_attestation=d.is_attestation)
        for d in index.manifests
    )
    summary = summary_for(repo, raw, index.media_type, ("v1",), None)
    return ImageDetails(
        repository=repo,
        summary=summary,
        manifest=index,
        children=children,
        warnings=("child sha256:7e87ffc91b9c…: not found",),
    )


class InspectorApp(App[None]):
    """Hosts one inspector, optionally showing details on mount."""

    def __init__(self, details: ImageDetails | None = None) -> None:
        super().__init__()
        self._details = details
        self.chosen: list[ChildImage] = []

    def compose(self) -> ComposeResult:
        yield Inspector(clock=fixed_clock)

    def on_mount(self) -> None:
        self.animation_level = "none"
        if self._details is not None:
            self.query_one(Inspector).show(self._details)

    def on_inspector_child_selected(self, message: Inspector.ChildSelected) -> None:
        self.chosen.append(message.child)


class FakeSource:
    """A data source answering from prepared details; ``gate`` holds answers until a test releases them."""

    def __init__(self, answers: dict[str, ImageDetails | Exception]) -> None:
        self.answers = answers
        self.calls: list[str] = []
        self.gates: dict[str, threading.Event] = {}

    def get_image_details(self, repository: Repository, summary: ImageSummary) -> ImageDetails:
        self.calls.append(summary.digest)
        gate = self.gates.get(summary.digest)
        if gate is not None:
            gate.wait(timeout=10)
        answer = self.answers[summary.digest]
        if isinstance(answer, Exception):
            raise answer
        return answer


async def wait_until(pilot: Any, condition: Callable[[], bool], tries: int = 200) -> None:
    """Let the app process messages until ``condition`` holds (bounded, no sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


def pilot_test(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (the project has no async pytest plugin)."""

    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


# Pilot tests -------------------------------------------------------------------------------------------------


class TestTabs:
    """``[`` and ``]`` walk the tabs, wrapping round, and the app-facing methods do the same."""

    @pilot_test
    async def test_brackets_cycle_tabs(self) -> None:
        app = InspectorApp(docker_httpd())
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.focus()
            assert inspector.active_tab == "tab-summary"
            seen = []
            for _ in TAB_IDS:
                await pilot.press("right_square_bracket")
                seen.append(inspector.active_tab)
            assert seen == [*TAB_IDS[1:], TAB_IDS[0]]
            await pilot.press("left_square_bracket")
            assert inspector.active_tab == TAB_IDS[-1]

    @pilot_test
    async def test_methods_switch_tabs(self) -> None:
        app = InspectorApp(docker_httpd())
        async with app.run_test(size=(120, 36)):
            inspector = app.query_one(Inspector)
            inspector.previous_tab()
            assert inspector.active_tab == TAB_IDS[-1]
            inspector.next_tab()
            inspector.next_tab()
            assert inspector.active_tab == "tab-manifest"


class TestFocus:
    """Focusing the inspector hands focus to what the visible tab shows, and follows tab switches."""

    @pilot_test
    async def test_focus_goes_to_tab_content(self) -> None:
        app = InspectorApp(docker_httpd())
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.tabs.active = "tab-layers"
            inspector.focus()
            layers_table = app.query_one(LayersTab).table
            await wait_until(pilot, lambda: app.focused is layers_table)
            await pilot.press("down")
            assert layers_table.cursor_row == 1
            await pilot.press("j", "j")
            assert layers_table.cursor_row == 3
            await pilot.press("k")
            assert layers_table.cursor_row == 2
            await pilot.press("G")
            assert layers_table.cursor_row == layers_table.row_count - 1
            await pilot.press("g")
            assert layers_table.cursor_row == 0
            await pilot.press("right_square_bracket")
            platforms = app.query_one(PlatformsTab)
            assert inspector.active_tab == "tab-platforms"
            # A single-platform image has no table: focus rests on the tab strip, still inside the inspector.
            await wait_until(pilot, lambda: app.focused is not layers_table)
            assert not platforms.table.display
            assert inspector.has_focus_within
            await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
            assert inspector.active_tab == "tab-manifest"
            json_view = app.query_one(ManifestTab).json_view
            await wait_until(pilot, lambda: app.focused is json_view)


class TestSummary:
    @pilot_test
    async def test_docker_image_facts(self) -> None:
        details = docker_httpd()
        app = InspectorApp(details)
        async with app.run_test(size=(120, 36)):
            text = app.query_one(SummaryTab).text
            uri = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/httpd"
            assert f"{uri}:2.4.23" in text
            assert f"{uri}@{details.summary.digest}" in text
            assert "2026-05-29T08:30:00Z (3 days ago)" in text
            assert "2026-05-31T22:15:00Z (14 hours ago)" in text  # 13 h 45 min, as humanize rounds it
            size = details.summary.size_bytes
            assert size is not None
            assert f"({size:,} bytes)" in text
            assert "2.4.23, latest" in text
            assert "linux/amd64" in text
            assert "Docker image manifest v2" in text
            assert "COMPLETE (HIGH 2, LOW 5)" in text

    @pilot_test
    async def test_warnings_are_shown(self) -> None:
        app = InspectorApp(buildx_index())
        async with app.run_test(size=(120, 36)):
            text = app.query_one(SummaryTab).text
            assert "⚠ child sha256:7e87ffc91b9c…: not found" in text
            assert "untagged" not in text
            assert "multi-platform: 2 (linux/amd64, linux/arm64)" in text


class TestOtherKinds:
    """Artifacts, schema 1 and odd documents: each tab says what is there and why something is not."""

    @pilot_test
    async def test_artifact_with_subject(self) -> None:
        details = image_details("sbom", "artifact-sbom-subject-regclient.json", None, ("sbom",))
        app = InspectorApp(details)
        async with app.run_test(size=(120, 36)):
            text = app.query_one(SummaryTab).text
            subject = getattr(details.manifest, "subject", None)
            assert subject is not None
            assert "artifact" in text.split("Kind", 1)[1].splitlines()[0]
            assert "application/example.sbom" in text
            assert subject.digest in text
            assert "No config: this is an artifact" in app.query_one(ConfigTab).text
            assert app.query_one(PlatformsTab).notice == "an artifact: it has no platforms"

    @pilot_test
    async def test_artifact_layers_named_by_title(self) -> None:
        details = image_details("files", "artifact-multi-layer-file-titles.json", None, ())
        app = InspectorApp(details)
        async with app.run_test(size=(120, 36)):
            commands = [row.command for row in app.query_one(LayersTab).rows]
            assert commands == ["file layer1.txt", "file layer2.txt", "file layer3.txt"]

    @pilot_test
    async def test_schema1_has_layers_but_no_config(self) -> None:
        details = image_details("busybox", "schema1-signed-busybox-3-layers.json", None, ("old",))
        app = InspectorApp(details)
        async with app.run_test(size=(120, 36)):
            rows = app.query_one(LayersTab).rows
            assert len(rows) == 3
            assert all(row.size is None for row in rows)
            assert rows[0].command.startswith("MAINTAINER")
            assert rows[2].command.startswith("LABEL Checksum=")
            assert "schema 1" in app.query_one(ConfigTab).text
            assert app.query_one(ManifestTab).verified is True

    @pilot_test
    async def test_parse_warnings_are_prominent(self) -> None:
        details = image_details("odd", "invalid/oci-manifest-layer-media-type-unknown-suffix.json", None, ())
        assert details.manifest.warnings
        app = InspectorApp(details)
        async with app.run_test(size=(120, 36)):
            text = app.query_one(SummaryTab).text
            for warning in details.manifest.warnings:
                assert f"⚠ {warning}" in text
            assert "tar+unknown" in app.query_one(LayersTab).table.get_cell_at((0, 2)).plain


class TestManifest:
    @pilot_test
    async def test_digest_verified_over_raw_bytes(self) -> None:
        details = docker_httpd()
        app = InspectorApp(details)
        async with app.run_test(size=(120, 36)):
            tab = app.query_one(ManifestTab)
            assert tab.verified is True
            assert "sha256 verified ✓" in tab.digest_line
            assert details.summary.digest in tab.digest_line
            assert '"mediaType": "application/vnd.docker.distribution.manifest.v2+json"' in tab.json_view.text
            assert tab.json_view.line_count > 30

    @pilot_test
    async def test_mismatch_is_flagged(self) -> None:
        details = docker_httpd()
        wrong = details.summary.model_copy(update={"digest": "sha256:" + "0" * 64})
        app = InspectorApp(ImageDetails(details.repository, wrong, details.manifest, details.config))
        async with app.run_test(size=(120, 36)):
            tab = app.query_one(ManifestTab)
            assert tab.verified is False
            assert "MISMATCH" in tab.digest_line
            assert details.manifest.digest in tab.digest_line

    @pilot_test
    async def test_long_document_scrolls(self) -> None:
        details = image_details(
            "hello", "docker-list-hello-world-11-platforms-windows-dockerhub.json", None, ("latest",)
        )
        app = InspectorApp(details)
        async with app.run_test(size=(80, 24)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.tabs.active = "tab-manifest"
            view = app.query_one(ManifestTab).json_view
            await wait_until(pilot, lambda: view.size.height > 0)
            assert view.line_count > view.size.height
            view.focus()
            await pilot.press("j", "j")
            await wait_until(pilot, lambda: view.scroll_y == 2)
            await pilot.press("end")
            await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y)


class TestConfig:
    @pilot_test
    async def test_runtime_settings(self) -> None:
        app = InspectorApp(jib_healthcheck())
        async with app.run_test(size=(120, 36)):
            text = app.query_one(ConfigTab).text
            assert "some entrypoint command" in text
            assert "arg1 arg2" in text
            assert "/some/workspace" in text
            assert "tomcat" in text
            assert "1000/tcp, 2000/tcp, 3000/udp" in text
            assert "/var/job-result-data, /var/log/my-app-logs" in text
            assert "CMD-SHELL /checkhealth" in text
            assert "interval 3s, timeout 1s, start period 2s, retries 3" in text
            assert "VAR1=VAL1" in text
            assert "key2=value2" in text
            assert "js/wasm" in text

    @pilot_test
    async def test_index_has_no_config(self) -> None:
        app = InspectorApp(buildx_index())
        async with app.run_test(size=(120, 36)):
            assert "No config: this is an index — see Platforms." in app.query_one(ConfigTab).text


class TestLayers:
    @pilot_test
    async def test_layers_and_empty_steps(self) -> None:
        app = InspectorApp(docker_httpd())
        async with app.run_test(size=(120, 36)):
            tab = app.query_one(LayersTab)
            layers = [row for row in tab.rows if row.is_layer]
            steps = [row for row in tab.rows if not row.is_layer]
            assert [row.index for row in layers] == [0, 1, 2, 3, 4]
            assert len(steps) == 10
            assert layers[0].command.startswith("ADD file:")
            assert steps[0].command == 'CMD ["/bin/bash"]'
            assert any(row.command.startswith("RUN mkdir -p") for row in layers)
            assert tab.totals.startswith("5 layers · ")
            assert "10 metadata-only steps" in tab.totals

    @pilot_test
    async def test_selected_row_shows_full_command(self) -> None:
        app = InspectorApp(docker_httpd())
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.tabs.active = "tab-layers"
            tab = app.query_one(LayersTab)
            long_row = max(range(len(tab.rows)), key=lambda i: len(tab.rows[i].command))
            tab.table.focus()
            tab.table.move_cursor(row=long_row)
            await wait_until(pilot, lambda: tab.rows[long_row].command in tab.detail)
            cell = str(tab.table.get_cell_at((long_row, 3)))
            assert cell.endswith("…")
            assert len(cell) < len(tab.rows[long_row].command)


class TestPlatforms:
    @pilot_test
    async def test_platforms_then_attestations(self) -> None:
        app = InspectorApp(buildx_index())
        async with app.run_test(size=(120, 36)):
            tab = app.query_one(PlatformsTab)
            assert [c.is_attestation for c in tab.rows] == [False, False, True, True]
            table = tab.table
            assert str(table.get_cell_at((0, 0))) == "linux/amd64"
            assert str(table.get_cell_at((1, 0))) == "linux/arm64"
            assert str(table.get_cell_at((2, 4))) == "attestation (builder) for linux/amd64"

    @pilot_test
    async def test_windows_os_version_and_variants(self) -> None:
        details = image_details(
            "hello", "docker-list-hello-world-11-platforms-windows-dockerhub.json", None, ("latest",)
        )
        app = InspectorApp(details)
        async with app.run_test(size=(120, 36)):
            table = app.query_one(PlatformsTab).table
            platforms = [str(table.get_cell_at((row, 0))) for row in range(table.row_count)]
            assert len(platforms) == 11
            assert "linux/arm/v7" in platforms
            assert "windows/amd64 (10.0.17763.3650)" in platforms

    @pilot_test
    async def test_single_platform_notice(self) -> None:
        app = InspectorApp(docker_httpd())
        async with app.run_test(size=(120, 36)):
            assert app.query_one(PlatformsTab).notice == "single-platform image (linux/amd64)"

    @pilot_test
    async def test_enter_opens_child_and_esc_returns(self) -> None:
        index = buildx_index()
        app = InspectorApp(index)
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.tabs.active = "tab-platforms"
            table = app.query_one(PlatformsTab).table
            table.focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: inspector.depth == 2)
            assert app.chosen
            assert app.chosen[0].descriptor.digest == index.children[0].descriptor.digest
            assert inspector.details is not None
            assert inspector.details.manifest.digest == index.children[0].descriptor.digest
            assert inspector.has_class("-nested")
            await pilot.press("escape")
            assert inspector.depth == 1
            assert inspector.details is index

    @pilot_test
    async def test_child_opened_through_source_has_config(self) -> None:
        index = buildx_index()
        child = child_v1_amd64()
        source = FakeSource({index.summary.digest: index, child.summary.digest: child})
        app = InspectorApp()
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.load(source, index.repository, index.summary)
            await wait_until(pilot, lambda: inspector.state == "ready")
            inspector.open_child(index.children[0])
            await wait_until(pilot, lambda: inspector.depth == 2 and inspector.state == "ready")
            assert inspector.details is child
            assert "VOLUME" in " ".join(row.command for row in app.query_one(LayersTab).rows)
            assert inspector.close_child() is True
            assert inspector.details is index


class TestChildLoads:
    """Opening a platform through the data source: esc cancels a slow one, a failed one returns to the index."""

    @pilot_test
    async def test_esc_cancels_a_pending_child(self) -> None:
        index, child = buildx_index(), child_v1_amd64()
        source = FakeSource({index.summary.digest: index, child.summary.digest: child})
        gate = source.gates[child.summary.digest] = threading.Event()
        app = InspectorApp()
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.load(source, index.repository, index.summary)
            await wait_until(pilot, lambda: inspector.state == "ready")
            inspector.focus()
            await wait_until(pilot, lambda: inspector.has_focus_within)
            inspector.open_child(index.children[0])
            assert inspector.state == "loading"
            await pilot.press("escape")
            assert inspector.state == "ready"
            assert inspector.details is index
            gate.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert inspector.depth == 1
            assert inspector.details is index

    @pilot_test
    async def test_failed_child_returns_to_index(self) -> None:
        index, child = buildx_index(), child_v1_amd64()
        failure = NotFound("image not found")
        source = FakeSource({index.summary.digest: index, child.summary.digest: failure})
        app = InspectorApp()
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.load(source, index.repository, index.summary)
            await wait_until(pilot, lambda: inspector.state == "ready")
            inspector.open_child(index.children[0])
            await wait_until(pilot, lambda: source.calls[-1] == child.summary.digest)
            await app.workers.wait_for_complete()
            await wait_until(pilot, lambda: inspector.state == "ready")
            assert inspector.details is index
            assert inspector.depth == 1


class TestStates:
    @pilot_test
    async def test_empty_loading_error(self) -> None:
        app = InspectorApp()
        async with app.run_test(size=(120, 36)):
            inspector = app.query_one(Inspector)
            assert inspector.state == "empty"
            inspector.show_loading()
            assert inspector.state == "loading"
            assert "Loading" in inspector.status_text
            inspector.show_error("access denied: ecr:BatchGetImage on testrepo")
            assert inspector.state == "error"
            assert inspector.status_text == "access denied: ecr:BatchGetImage on testrepo"
            inspector.clear()
            assert inspector.state == "empty"

    @pilot_test
    async def test_load_failure_becomes_error_line(self) -> None:
        details = docker_httpd()
        source = FakeSource({details.summary.digest: NotFound("image not found: httpd@sha256:aa07…")})
        app = InspectorApp()
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.load(source, details.repository, details.summary)
            await wait_until(pilot, lambda: inspector.state == "error")
            assert inspector.status_text == "image not found: httpd@sha256:aa07…"

    @pilot_test
    async def test_latest_selection_wins(self) -> None:
        slow, fast = docker_httpd(), oci_regclient_v3()
        source = FakeSource({slow.summary.digest: slow, fast.summary.digest: fast})
        gate = source.gates[slow.summary.digest] = threading.Event()
        app = InspectorApp()
        async with app.run_test(size=(120, 36)) as pilot:
            inspector = app.query_one(Inspector)
            inspector.load(source, slow.repository, slow.summary)
            await wait_until(pilot, lambda: source.calls == [slow.summary.digest])
            inspector.load(source, fast.repository, fast.summary)
            await wait_until(pilot, lambda: inspector.state == "ready")
            gate.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert inspector.details is fast


# Snapshots ---------------------------------------------------------------------------------------------------


def _snapshot(snap_compare: Any, details: ImageDetails, tab: str, size: tuple[int, int]) -> bool:
    async def run_before(pilot: Any) -> None:
        inspector = pilot.app.query_one(Inspector)
        inspector.tabs.active = tab
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return bool(snap_compare(InspectorApp(details), terminal_size=size, run_before=run_before))


class TestSnapshotsDocker:
    """A Docker v2 schema 2 image (httpd 2.4.23), each tab at 120x36."""

    @pytest.mark.parametrize("tab", DOCUMENT_TABS)
    def test_tab(self, snap_compare: Any, tab: str) -> None:
        assert _snapshot(snap_compare, docker_httpd(), tab, (120, 36))


class TestSnapshotsOci:
    """An OCI image manifest built by buildx, each tab at 120x36."""

    @pytest.mark.parametrize("tab", DOCUMENT_TABS)
    def test_tab(self, snap_compare: Any, tab: str) -> None:
        assert _snapshot(snap_compare, oci_regclient_v3(), tab, (120, 36))


class TestSnapshotsIndex:
    """An index with two platforms and two attestations, each tab at 120x36."""

    @pytest.mark.parametrize("tab", DOCUMENT_TABS)
    def test_tab(self, snap_compare: Any, tab: str) -> None:
        assert _snapshot(snap_compare, buildx_index(), tab, (120, 36))


class TestSnapshotsChild:
    """A platform opened from the index: the border title and breadcrumb show the path, esc goes back."""

    def test_opened_platform(self, snap_compare: Any) -> None:
        async def run_before(pilot: Any) -> None:
            inspector = pilot.app.query_one(Inspector)
            inspector.tabs.active = "tab-platforms"
            pilot.app.query_one(PlatformsTab).table.focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: inspector.depth == 2)
            inspector.tabs.active = "tab-summary"
            await pilot.pause()

        assert snap_compare(InspectorApp(buildx_index()), terminal_size=(120, 36), run_before=run_before)


class TestSnapshotsNarrow:
    """The inspector at 80x24: tabs reachable, content scrolls."""

    @pytest.mark.parametrize("tab", ["tab-summary", "tab-layers"])
    def test_tab(self, snap_compare: Any, tab: str) -> None:
        assert _snapshot(snap_compare, docker_httpd(), tab, (80, 24))
