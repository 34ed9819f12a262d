"""``ecrtui ls [REPOSITORY]``: the registry's repositories, or one repository's images.

Images are listed newest first with their tags, short digest, size, push time, status (``ARCHIVED`` images are
included: ECR lists them only when asked, and this asks) and kind. ``--json`` prints a JSON array, one object per
repository or image, with exact values (bytes, ISO 8601 UTC times, full digests).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ecrtui.cli.common import EXIT_OK, EXIT_USAGE, CommandError, guarded, open_service, print_json
from ecrtui.cli.tables import print_table

if TYPE_CHECKING:
    from ecrtui.ecr.models import ImageSummary, Repository

STATUSES = ("any", "active", "archived", "activating")


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ls",
        parents=parents,
        help="list repositories, or the images of one",
        description="List the registry's repositories, or the images of REPOSITORY (a name, URI or ARN).",
    )
    parser.add_argument("repository", metavar="REPOSITORY", nargs="?", help="list this repository's images")
    parser.add_argument(
        "--status", choices=STATUSES, default="any", help="images with this status only (default: any)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array, one object each")
    parser.set_defaults(run=lambda args: guarded("ls", lambda: run_ls(args), json_output=args.json))
    return parser


def _time(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def repository_json(repository: Repository) -> dict[str, Any]:
    return {
        "name": repository.name,
        "registry_id": repository.registry_id,
        "uri": repository.uri,
        "arn": repository.arn,
        "created_at": repository.created_at,
        "tag_mutability": repository.image_tag_mutability,
        "exclusion_filters": list(repository.tag_mutability_exclusion_filters),
        "scan_on_push": repository.scan_on_push,
        "encryption": repository.encryption_type,
    }


def image_json(image: ImageSummary) -> dict[str, Any]:
    return {
        "digest": image.digest,
        "tags": list(image.tags),
        "size_bytes": image.size_bytes,
        "pushed_at": image.pushed_at,
        "last_pulled_at": image.last_pulled_at,
        "status": image.status or "ACTIVE",
        "kind": str(image.kind),
        "media_type": image.manifest_media_type,
        "artifact_media_type": image.artifact_media_type,
        "subject": image.subject_digest,
        "scan_status": image.scan_status,
        "scan_severity_counts": dict(image.scan_severity_counts),
    }


def run_ls(args: argparse.Namespace) -> int:
    from ecrtui.ecr.mutability import TagRules
    from ecrtui.ecr.refs import RegistryRef, parse_reference

    service = open_service(args)
    if args.repository is None:
        repositories = service.list_repositories()
        if args.json:
            print_json([repository_json(r) for r in repositories])
            return EXIT_OK
        rows = [
            (
                r.name,
                TagRules.of(r).describe(),
                "yes" if r.scan_on_push else "no",
                r.encryption_type,
                _time(r.created_at),
            )
            for r in repositories
        ]
        print_table(("REPOSITORY", "TAGS", "SCAN ON PUSH", "ENCRYPTION", "CREATED"), rows, sys.stdout)
        return EXIT_OK
    ref = parse_reference(args.repository, RegistryRef(service.account_id, service.region))
    if ref.tag is not None or ref.digest is not None:
        raise CommandError(f"'{args.repository}' names an image; ls takes a repository", EXIT_USAGE)
    assert ref.registry is not None
    if ref.registry.region != service.region:
        raise CommandError(
            f"'{args.repository}' is in region {ref.registry.region} (use --region {ref.registry.region})",
            EXIT_USAGE,
        )
    status = args.status.upper()
    images = service.list_images(ref.name, ref.registry.account_id, image_status=status)
    images.sort(key=lambda i: (i.pushed_at is not None, i.pushed_at), reverse=True)
    if args.json:
        print_json([image_json(i) for i in images])
        return EXIT_OK
    import humanize

    from ecrtui.ecr.refs import short_digest

    image_rows = [
        (
            ", ".join(i.tags) or "<untagged>",
            short_digest(i.digest),
            humanize.naturalsize(i.size_bytes) if i.size_bytes is not None else "-",
            _time(i.pushed_at),
            i.status or "ACTIVE",
            str(i.kind),
        )
        for i in images
    ]
    print_table(("TAGS", "DIGEST", "SIZE", "PUSHED (UTC)", "STATUS", "KIND"), image_rows, sys.stdout)
    return EXIT_OK
