"""``ecrtui copy SOURCE DEST``: copy an image (or every tag of a repository) between repositories, accounts and
regions, with no Docker daemon.

SOURCE is an image reference (a full ``ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME:TAG`` URI, or a partial one
resolved in the source registry); DEST is a repository reference, optionally ``:TAG``. Each side has its own
profile and region (``--source-profile``/``--dest-profile``, ``--source-region``/``--dest-region``; a full URI
names its region itself), so a copy across accounts and regions needs two profiles and nothing else. The plan is
made first (reads only; ``--dry-run`` prints it); progress goes to stderr; ``--json`` prints one object on stdout.
Only argparse is imported at module level (``ecrtui --help`` stays instant).
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING, Any

from ecrtui.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    guarded,
    interrupt_sets,
    open_service,
    print_json,
    settings_from,
)

if TYPE_CHECKING:
    from ecrtui.copy import BatchResult, CopyEngine, CopyFailed, CopyPlan, CopyRequest
    from ecrtui.copy.reachability import ReachBudget
    from ecrtui.ecr.refs import ImageRef
    from ecrtui.ecr.service import EcrService

COMMAND = "copy"


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        COMMAND,
        parents=parents,
        help="copy an image between repositories, accounts and regions",
        description=(
            "Copy an image (an index with all its platforms, its signatures and SBOMs) into another\n"
            "repository, account or region, keeping its digest. Blobs already there are skipped;\n"
            "an unchanged re-copy does nothing and succeeds."
        ),
        epilog=(
            "examples:\n"
            "  ecrtui copy web/api:v1.4.2 web/api-staging\n"
            "  ecrtui copy --source-profile dev --dest-profile prod web/api:v1.4.2 web/api\n"
            "  ecrtui copy 111111111111.dkr.ecr.us-east-1.amazonaws.com/web/gateway:v2.1.0 \\\n"
            "      222222222222.dkr.ecr.eu-west-1.amazonaws.com/web/gateway:v2.1.0 --dest-profile prod\n"
            "  ecrtui copy web/api web/api --all-tags --dest-region eu-west-1 --create-repo --dry-run"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", help="image reference: URI or NAME:TAG / NAME@DIGEST")
    parser.add_argument("dest", metavar="DEST", help="repository reference, optionally :TAG")
    sides = parser.add_argument_group("source and destination")
    sides.add_argument("--source-profile", metavar="P", help="profile for the source (default: --profile)")
    sides.add_argument("--dest-profile", metavar="P", help="profile for the destination (default: --profile)")
    sides.add_argument(
        "--source-region", metavar="R", help="source region (default: SOURCE's, else --region)"
    )
    sides.add_argument(
        "--dest-region", metavar="R", help="destination region (default: DEST's, else --region)"
    )
    what = parser.add_argument_group("what to copy")
    what.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="destination tag (repeatable; default: DEST's tag, else SOURCE's)",
    )
    what.add_argument(
        "--all-tags",
        action="store_true",
        help="every tag of the source image; with a SOURCE repository (no tag), every tagged image in it",
    )
    what.add_argument(
        "--platform",
        action="append",
        default=[],
        metavar="OS/ARCH[/VARIANT]",
        help="for an index: only these platforms, under a new index (repeatable)",
    )
    what.add_argument(
        "--no-referrers", action="store_true", help="leave signatures, SBOMs and attestations behind"
    )
    how = parser.add_argument_group("how")
    how.add_argument(
        "--jobs", type=int, default=4, metavar="N", help="blobs transferred at once (default: 4)"
    )
    how.add_argument("--create-repo", action="store_true", help="create a missing destination repository")
    how.add_argument("--dry-run", action="store_true", help="print the plan; write nothing")
    how.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(run=run_copy)
    return parser


def run_copy(args: argparse.Namespace) -> int:
    return guarded(COMMAND, lambda: _copy(args), json_output=args.json)


def _services(args: argparse.Namespace, source: ImageRef, dest: ImageRef) -> tuple[EcrService, EcrService]:
    """One service per side; the same one when both sides use the same profile and region."""
    settings = settings_from(args)
    src_region = args.source_region or (source.registry.region if source.registry else None) or args.region
    dst_region = args.dest_region or (dest.registry.region if dest.registry else None) or args.region
    src_profile = args.source_profile or args.profile
    dst_profile = args.dest_profile or args.profile
    src = open_service(args, profile=src_profile, region=src_region, settings=settings)
    if (dst_profile, dst_region or src.region) == (src_profile, src.region):
        return src, src
    return src, open_service(args, profile=dst_profile, region=dst_region, settings=settings)


def _requests(args: argparse.Namespace, src: EcrService, dst: EcrService) -> list[CopyRequest]:
    from ecrtui.copy import CopyRequest, PlatformSpec, Side, destination_tags
    from ecrtui.ecr.image_lookup import resolve_query
    from ecrtui.ecr.refs import ImageQuery, RegistryRef, parse_image_query, parse_reference

    query = parse_image_query(args.source)
    dest = parse_reference(args.dest)
    if dest.digest:
        raise CommandError("DEST is a repository (optionally :TAG), not an image digest", EXIT_USAGE)
    source = query.ref.resolve(RegistryRef(src.account_id, src.region)) if query.ref.is_partial else query.ref
    source = resolve_query(src, ImageQuery(source, query.digest_prefix))  # a short digest, from the listing
    dest = dest.resolve(RegistryRef(dst.account_id, dst.region)) if dest.is_partial else dest
    assert source.registry is not None
    assert dest.registry is not None
    platforms = tuple(PlatformSpec.parse(p) for p in args.platform)
    src_side = Side(src, source.registry.account_id, source.name)
    dst_side = Side(dst, dest.registry.account_id, dest.name)
    common: dict[str, Any] = {
        "platforms": platforms,
        "referrers": not args.no_referrers,
        "create_repository": args.create_repo,
    }
    if source.tag is None and source.digest is None:
        if not args.all_tags:
            raise CommandError(
                f"SOURCE '{args.source}' names a repository: add :TAG or @DIGEST, or --all-tags for every tagged image",
                EXIT_USAGE,
            )
        if dest.tag or args.tag:
            raise CommandError(
                "with a SOURCE repository, each image keeps its own tags: drop DEST's tag and --tag",
                EXIT_USAGE,
            )
        images = [i for i in src.list_images(source.name, source.registry.account_id) if i.tags]
        if not images:
            raise CommandError(f"{src_side.uri} has no tagged image to copy", EXIT_FAILED)
        return [
            CopyRequest(src_side, image.digest, dst_side, tags=image.tags, **common)
            for image in sorted(images, key=lambda i: (i.pushed_at is None, i.pushed_at))
        ]
    reference = source.digest or source.tag
    assert reference is not None
    tags = destination_tags(source, dest.tag, args.tag)
    return [CopyRequest(src_side, reference, dst_side, tags=tags, all_tags=args.all_tags, **common)]


def _copy(args: argparse.Namespace) -> int:
    if args.jobs < 1 or args.jobs > 32:
        raise CommandError("--jobs must be between 1 and 32", EXIT_USAGE)
    from ecrtui.copy import CopyEngine
    from ecrtui.copy.blob_transfer import TransferSettings
    from ecrtui.copy.memory import keep_large_buffers_off_the_heap
    from ecrtui.ecr.errors import Cancelled
    from ecrtui.ecr.refs import parse_image_query, parse_reference

    keep_large_buffers_off_the_heap()  # this process exists to copy: its peak must not grow with the layer size

    source, dest = (
        parse_image_query(args.source).ref,
        parse_reference(args.dest),
    )  # usage errors before any AWS call
    src, dst = _services(args, source, dest)
    if dst.read_only and not args.dry_run:
        raise CommandError(
            "Read-only mode: a copy writes to the destination (--dry-run shows the plan)", EXIT_FAILED
        )
    cancel = threading.Event()
    transfer = TransferSettings(unreachable_seconds=settings_from(args).copy_unreachable_seconds)
    with CopyEngine(jobs=args.jobs, settings=transfer) as engine:
        reach = engine.reach_budget()  # one deadline for a dead endpoint, however many images
        try:
            with interrupt_sets(cancel):
                plans = [
                    engine.plan(request, cancel=cancel, reach=reach) for request in _requests(args, src, dst)
                ]
        except Cancelled:
            raise CommandError("cancelled while planning; nothing was written", EXIT_INTERRUPTED) from None
        if reach.stopped is not None and not args.dry_run:
            from ecrtui.manage.audit import AuditLog
            from ecrtui.manage.copy_audit import record_copies

            record_copies(AuditLog(), plans, ())
            raise CommandError(f"{reach.stopped}; nothing was written", EXIT_FAILED)
        if args.platform:
            _require_indexes(plans)
        if args.dry_run:
            return _print_plans(args, plans)
        for plan in plans:
            for warning in plan.warnings:
                print(f"ecrtui copy: warning: {warning}", file=sys.stderr)
        if len(plans) == 1 and not plans[0].ok:
            from ecrtui.manage.audit import AuditLog
            from ecrtui.manage.copy_audit import record_copies

            record_copies(AuditLog(), plans, ())  # a refusal is recorded, as the other changing commands do
            _refused(plans[0])
        return _execute(args, engine, plans, reach)


def _require_indexes(plans: list[CopyPlan]) -> None:
    """``--platform`` picks children of an index: with a single-platform image it is a mistake, not a no-op."""
    from ecrtui.ecr.mediatypes import INDEX_TYPES

    for plan in plans:
        if plan.digest and plan.media_type not in INDEX_TYPES:
            raise CommandError(
                f"{plan.request.source_label} is not an index (a single-platform image): --platform chooses "
                "platforms of an index; copy it without --platform",
                EXIT_USAGE,
            )


def _refused(plan: CopyPlan) -> None:
    for problem in plan.problems[1:]:
        print(f"ecrtui copy: {problem}", file=sys.stderr)
    raise CommandError(f"{plan.problems[0]}; nothing was written", EXIT_FAILED)


def _print_plans(args: argparse.Namespace, plans: list[CopyPlan]) -> int:
    if args.json:
        documents = [_plan_json(plan) for plan in plans]
        print_json(documents[0] if len(documents) == 1 else {"dry_run": True, "copies": documents})
    else:
        for plan in plans:
            print("\n".join(plan.describe()))
    refused = [plan for plan in plans if not plan.ok]
    if refused:
        print(f"ecrtui copy: {refused[0].problems[0]}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _short_title(plan: CopyPlan) -> str:
    """``NAME:TAG`` or ``NAME@sha256:0123456789ab`` (the bar's label; the full URIs are in the summary)."""
    reference = plan.request.reference
    if reference.startswith("sha256:"):
        return f"{plan.request.source.repository}@{reference[:19]}"
    return f"{plan.request.source.repository}:{reference}"


def _plan_json(plan: CopyPlan) -> dict[str, Any]:
    return {
        "dry_run": True,
        "source": plan.request.source_label,
        "destination": plan.request.destination.uri,
        "digest": plan.digest,
        "media_type": plan.media_type,
        "tags": {step.tag: step.action.value for step in plan.tags},
        "create_repository": plan.create_repository is not None,
        "blobs_to_upload": len(plan.uploads),
        "blobs_present": plan.blobs_present,
        "bytes_to_upload": plan.bytes_to_upload,
        "manifests_to_put": len(plan.manifests_to_put),
        "referrers": len(plan.referrers),
        "nothing_to_do": plan.nothing_to_do,
        "problems": list(plan.problems),
        "warnings": list(plan.warnings),
        "notes": list(plan.notes),
    }


def _execute(args: argparse.Namespace, engine: CopyEngine, plans: list[CopyPlan], reach: ReachBudget) -> int:
    from ecrtui.cli.job_progress import job_display
    from ecrtui.copy import CopyFailed
    from ecrtui.jobs.model import JobBoard, JobKind, JobOutcome, JobState
    from ecrtui.manage.audit import AuditLog
    from ecrtui.manage.copy_audit import execute_audited

    log = AuditLog()

    def work(report: Any, cancel: threading.Event) -> JobOutcome:
        result = execute_audited(engine, plans, log, on_progress=report, cancel=cancel, reach=reach)
        return JobOutcome(summary=f"{len(result.copies)} copied", result=result)

    board = JobBoard()
    title = _short_title(plans[0]) if len(plans) == 1 else f"{len(plans)} images"
    job = board.add(JobKind.COPY, title, work)
    with interrupt_sets(job.cancel_event), job_display(board, COMMAND):
        snapshot = job.run()
    error = job.exception
    if snapshot.state is JobState.CANCELLED:
        raise CommandError(snapshot.error or "cancelled", EXIT_INTERRUPTED)
    result: BatchResult
    if error is not None:
        if not isinstance(error, CopyFailed):
            raise error
        for line in _failure_lines(error, reach):
            print(f"ecrtui copy: {line}", file=sys.stderr)
        result = error.result
        code = EXIT_FAILED
    else:
        outcome = job.outcome
        assert outcome is not None
        result = outcome.result
        code = EXIT_OK
    for copy in result.copies:
        for warning in copy.warnings:
            if warning not in {w for p in plans for w in p.warnings}:
                print(f"ecrtui copy: warning: {warning}", file=sys.stderr)
    if args.json:
        documents = [copy.as_json() for copy in result.copies]
        if len(plans) == 1 and documents:
            print_json(documents[0])
        else:
            print_json(
                {
                    "copies": documents,
                    "failed": list(error.failures) if isinstance(error, CopyFailed) else [],
                    **batch_totals(plans, result),
                    "seconds": round(result.seconds, 3),
                }
            )
    else:
        for copy in result.copies:
            print(copy.summary)
        if len(plans) > 1 and all(c.nothing_done for c in result.copies) and not error:
            print(f"{len(plans)} of {len(plans)}: nothing to do, the destination already has them")
        elif len(plans) > 1:
            totals = batch_totals(plans, result)
            print(
                f"{len(result.copies)} of {len(plans)} copied: {totals['blobs_uploaded']} blob(s) uploaded "
                f"({totals['bytes_uploaded']:,} bytes), {totals['blobs_skipped']} already there, "
                f"{totals['manifests_put']} manifest(s) put, {totals['referrers_copied']} referrer(s) copied"
            )
    return code


def _failure_lines(failed: CopyFailed, reach: ReachBudget) -> list[str]:
    """Each reason once: when the job gave up on an endpoint, every image it stopped says the same line."""
    lines = list(dict.fromkeys(failed.failures))
    stopped = reach.stopped
    if stopped is None:
        return lines
    not_copied = len(failed.failures)
    return [
        f"{stopped}; {not_copied} of {not_copied + len(failed.result.copies)} image(s) not copied",
        *(line for line in lines if str(stopped) not in line),
    ]


def batch_totals(plans: list[CopyPlan], result: BatchResult) -> dict[str, int]:
    """What the whole batch did: each blob counted once per destination repository, however many of its images
    share it (a base layer uploaded by the first copy is not "skipped" eleven more times)."""
    done = {(c.source, c.destination, c.digest) for c in result.copies}
    blobs = {
        (plan.request.destination.key, plan.request.destination.repository, blob.digest)
        for plan in plans
        if (plan.request.source_label, plan.request.destination.uri, plan.digest) in done
        for blob in plan.blobs
    }
    uploaded = sum(c.blobs_uploaded for c in result.copies)
    return {
        "blobs_uploaded": uploaded,
        "blobs_skipped": len(blobs) - uploaded,
        "bytes_uploaded": result.bytes_uploaded,
        "manifests_put": sum(c.manifests_put for c in result.copies),
        "referrers_copied": sum(c.referrers_copied for c in result.copies),
    }
