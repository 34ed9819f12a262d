"""``ecrtui inspect IMAGE [--manifest|--config|--layers|--referrers] [--json]``: one image, as the inspector shows it.

The default is a summary (URIs, digest, size, times, status, media type, kind, tags, platforms, subject, scan).
``--manifest`` prints the exact stored manifest bytes and ``--config`` the exact image config bytes (verified
against their digests by the data layer, nothing added: piped to ``sha256sum`` they give the digest); ``--layers`` lists the layers with the build step that made each
(cleaned as the inspector's Layers tab shows it; ``--json`` keeps the exact ``created_by`` beside it).
``--referrers`` lists the signatures, SBOMs and attestations that name the image as their subject
(``ListImageReferrers``). ``--json`` prints the summary, the layers or the referrers as JSON.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from ecrtui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    global_options_parent,
    guarded,
    open_service,
    print_json,
)
from ecrtui.cli.tables import print_table

if TYPE_CHECKING:
    from ecrtui.ecr.details import ImageDetails
    from ecrtui.ecr.transfers import Referrer
    from ecrtui.manage import ResolvedImage


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    # A parent of its own: resolving the --config clash edits the parent's actions, which other commands share.
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "inspect",
        parents=[global_options_parent()],
        help="show one image: summary, manifest, config, layers or referrers",
        description="Show IMAGE (REPOSITORY:TAG, REPOSITORY@DIGEST or a full image URI). Here --config means the "
        "image config: name a config file before the command (ecrtui --config FILE inspect ...) or with "
        "ECRTUI_CONFIG.",
        conflict_handler="resolve",  # this command's --config is the image's, not the global config file
    )
    parser.add_argument("image", metavar="IMAGE", help="the image to show")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--manifest", action="store_true", help="the exact stored manifest")
    what.add_argument("--config", dest="show_config", action="store_true", help="the exact image config")
    what.add_argument("--layers", action="store_true", help="the layers and the steps that made them")
    what.add_argument(
        "--referrers", action="store_true", help="the signatures, SBOMs and attestations naming the image"
    )
    parser.add_argument("--json", action="store_true", help="print JSON (summary, layers or referrers)")
    parser.set_defaults(run=lambda args: guarded("inspect", lambda: run_inspect(args), json_output=args.json))
    return parser


def summary_json(details: ImageDetails) -> dict[str, Any]:
    """Everything the summary shows, with exact values."""
    summary, repository, manifest = details.summary, details.repository, details.manifest
    platforms = [
        {
            "platform": str(child.descriptor.platform) if child.descriptor.platform else None,
            "digest": child.descriptor.digest,
            "size_bytes": child.descriptor.size,
            "attestation": child.is_attestation,
        }
        for child in details.children
    ]
    subject = getattr(manifest, "subject", None)
    return {
        "repository": repository.name,
        "registry_id": repository.registry_id,
        "digest": summary.digest,
        "tags": list(summary.tags),
        "uri_tag": f"{repository.uri}:{summary.tags[0]}" if summary.tags and repository.uri else None,
        "uri_digest": f"{repository.uri}@{summary.digest}" if repository.uri else None,
        "size_bytes": summary.size_bytes,
        "pushed_at": summary.pushed_at,
        "last_pulled_at": summary.last_pulled_at,
        "status": summary.status or "ACTIVE",
        "last_archived_at": summary.last_archived_at,
        "last_activated_at": summary.last_activated_at,
        "media_type": manifest.media_type,
        "artifact_type": getattr(manifest, "effective_artifact_type", None),
        "kind": str(manifest.kind),
        "platform": details.config.platform_text if details.config is not None else None,
        "platforms": platforms,
        "subject": subject.digest if subject is not None else None,
        "scan": {"status": summary.scan_status, "severity_counts": dict(summary.scan_severity_counts)},
        "warnings": list(details.warnings),
    }


def _summary_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    import humanize

    def when(value: Any) -> str:
        return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else "-"

    size = data["size_bytes"]
    rows = [
        ("Repository", data["repository"]),
        ("URI", data["uri_tag"] or "-"),
        ("URI (digest)", data["uri_digest"] or "-"),
        ("Digest", data["digest"]),
        ("Tags", ", ".join(data["tags"]) or "<untagged>"),
        ("Size", f"{humanize.naturalsize(size)} ({size:,} bytes)" if size is not None else "-"),
        ("Pushed", when(data["pushed_at"])),
        ("Last pull", when(data["last_pulled_at"])),
        (
            "Status",
            data["status"]
            + (f", archived {when(data['last_archived_at'])}" if data["last_archived_at"] else ""),
        ),
        ("Media type", data["media_type"]),
        ("Kind", data["kind"]),
    ]
    if data["artifact_type"]:
        rows.append(("Artifact type", data["artifact_type"]))
    if data["platform"]:
        rows.append(("Platform", data["platform"]))
    for child in data["platforms"]:
        label = "attestation" if child["attestation"] else child["platform"] or "?"
        rows.append(("Platforms" if child is data["platforms"][0] else "", f"{label}  {child['digest']}"))
    if data["subject"]:
        rows.append(("Subject", data["subject"]))
    scan = data["scan"]
    if scan["status"]:
        counts = ", ".join(f"{k} {v}" for k, v in scan["severity_counts"].items())
        rows.append(("Scan", scan["status"] + (f" ({counts})" if counts else "")))
    rows += [("Warning", w) for w in data["warnings"]]
    return rows


def _layers(details: ImageDetails) -> list[dict[str, Any]]:
    """One object per layer: ``created_by`` exactly as the config records it, ``step`` cleaned as the Layers tab
    shows it (``/bin/sh -c #(nop) CMD ...`` is ``CMD ...``, ``/bin/sh -c make`` is ``RUN make``)."""
    from ecrtui.ecr.history import clean_created_by
    from ecrtui.ecr.manifests import ImageManifest, Schema1Manifest

    manifest = details.manifest
    if isinstance(manifest, Schema1Manifest):  # no sizes or media types; the steps are in v1Compatibility
        return [
            {
                "index": index,
                "digest": step.digest,
                "size_bytes": None,
                "media_type": None,
                "created_by": step.created_by,
                "step": clean_created_by(step.created_by) if step.created_by is not None else None,
            }
            for index, step in enumerate(manifest.build_steps)
        ]
    if not isinstance(manifest, ImageManifest):
        raise CommandError(
            f"{_a(manifest.kind)} has no layers of its own{_platform_hint(details)}", EXIT_FAILED
        )
    unread = _config_unread(details)
    if unread is not None:
        print(
            f"ecrtui inspect: build steps unknown, the image config could not be downloaded: {unread}",
            file=sys.stderr,
        )
    matched = manifest.layers_with_history(details.config)
    return [
        {
            "index": layer.index,
            "digest": layer.descriptor.digest,
            "size_bytes": layer.descriptor.size,
            "media_type": layer.descriptor.media_type,
            "created_by": layer.created_by,
            "step": clean_created_by(layer.created_by) if layer.created_by is not None else None,
        }
        for layer in matched.layers
    ]


def _config_unread(details: ImageDetails) -> str | None:
    """Why a runnable image's config is missing, from the warning the data layer recorded (None: it has none to
    read, or it was read)."""
    if details.config is not None:
        return None
    config = getattr(details.manifest, "config", None)
    prefix = f"config {config.digest[:19]}…: " if config is not None else None
    for warning in details.warnings:
        if prefix is not None and warning.startswith(prefix):
            return warning[len(prefix) :]
    return None


def _write_exact(data: bytes) -> None:
    """The bytes as stored, nothing added: ``ecrtui inspect IMAGE --manifest | sha256sum`` gives the digest."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _a(kind: object) -> str:
    """``an index``, ``an artifact``, ``a schema1``."""
    text = str(kind)
    return f"{'an' if text[:1] in 'aeiou' else 'a'} {text}"


def _platform_hint(details: ImageDetails) -> str:
    images = [c for c in details.children if not c.is_attestation]
    if not images:
        return ""
    return f": inspect a platform, e.g. {details.repository.name}@{images[0].descriptor.digest}"


def referrers_json(referrers: list[Referrer]) -> list[dict[str, Any]]:
    """One object per referrer: what it is (``kind``: signature, sbom, attestation, referrer) and where."""
    from ecrtui.ecr.mediatypes import referrer_kind

    return [
        {
            "digest": r.digest,
            "kind": referrer_kind(r.artifact_type or r.media_type),
            "artifact_type": r.artifact_type,
            "media_type": r.media_type,
            "size_bytes": r.size,
            "status": r.status,
            "annotations": dict(r.annotations),
        }
        for r in referrers
    ]


def _print_referrers(image: ResolvedImage, referrers: list[dict[str, Any]], out: TextIO) -> None:
    import humanize

    if not referrers:
        print(f"no signatures, SBOMs or attestations name {image.text} as their subject", file=sys.stderr)
        return
    rows = [
        (
            r["kind"],
            r["artifact_type"] or "-",
            humanize.naturalsize(r["size_bytes"]),
            r["status"],
            r["digest"],
        )
        for r in referrers
    ]
    print_table(("KIND", "ARTIFACT TYPE", "SIZE", "STATUS", "DIGEST"), rows, out)


def run_inspect(args: argparse.Namespace) -> int:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.manage import Manager

    ecr = CachedEcr(open_service(args))
    image = Manager(ecr).resolve_image(args.image)
    if args.referrers:
        repository = image.repository
        found = referrers_json(
            ecr.list_referrers(repository.name, image.summary.digest, repository.registry_id)
        )
        if args.json:
            print_json(found)
        else:
            _print_referrers(image, found, sys.stdout)
        return EXIT_OK
    details = ecr.get_image_details(image.repository, image.summary)
    out = sys.stdout
    if args.manifest:
        _write_exact(details.manifest.raw)
        return EXIT_OK
    if args.show_config:
        if details.config is None:
            unread = _config_unread(details)
            if unread is not None:
                raise CommandError(f"the image config could not be downloaded: {unread}", EXIT_FAILED)
            reason = f"{_a(details.manifest.kind)} has no image config{_platform_hint(details)}"
            raise CommandError(reason, EXIT_FAILED)
        _write_exact(details.config.raw)
        return EXIT_OK
    if args.layers:
        layers = _layers(details)
        if args.json:
            print_json(layers)
            return EXIT_OK
        import humanize

        from ecrtui.ecr.refs import short_digest

        rows = [
            (
                str(layer["index"]),
                "-" if layer["size_bytes"] is None else humanize.naturalsize(layer["size_bytes"]),
                short_digest(layer["digest"]),
                " ".join((layer["step"] or "").split()),
            )
            for layer in layers
        ]
        print_table(("#", "SIZE", "DIGEST", "STEP"), rows, out)
        return EXIT_OK
    data = summary_json(details)
    if args.json:
        print_json(data)
        return EXIT_OK
    facts = _summary_rows(data)
    width = max(len(label) for label, _ in facts)
    for label, value in facts:
        print(f"{label.ljust(width)}  {value}", file=out)
    return EXIT_OK
