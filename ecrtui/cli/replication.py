"""``ecrtui replication``: ECR's own replication, headless: see the rules, replace them, backfill, follow an image.

``show`` prints the registry's rules, who may replicate into it, and recent backfills; ``set FILE`` replaces the
rules (checked before sending; ``--dry-run`` shows the change and sends nothing); ``backfill`` starts copying the
existing images to one destination; ``status IMAGE`` shows an image's replication per destination. ``--wait``
follows a backfill or an image until ECR is done, with progress on stderr, and exits 1 if anything failed; a first
Ctrl-C while waiting on a backfill stops it (a second leaves it as it is). Only argparse at import time.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrtui.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    confirm,
    guarded,
    interrupt_sets,
    open_service,
    print_json,
)

if TYPE_CHECKING:
    from ecrtui.ecr.refs import ImageRef, RegistryRef
    from ecrtui.ecr.replication import (
        BackfillReport,
        BackfillResult,
        ImageReplication,
        ReplicationBackfill,
        ReplicationConfiguration,
        ReplicationDestination,
    )
    from ecrtui.ecr.service import EcrService
    from ecrtui.jobs.model import Job, JobKind, JobRunner
    from ecrtui.manage.audit import ChangeRecorder

RECENT_BACKFILLS = 10
"""Backfills ``show`` lists (newest first)."""


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """``ecrtui replication show|set|backfill|status``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "replication",
        parents=parents,
        help="ECR's own replication: rules, backfills, per-image status",
        description="Let ECR replicate images between regions and accounts, server-side: see and replace the "
        "registry's rules, backfill existing images, and follow an image's replication.",
    )
    parser.set_defaults(run=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="replication_command", metavar="ACTION")

    show = sub.add_parser(
        "show", parents=parents, help="the rules, incoming replication and recent backfills"
    )
    show.add_argument("--json", action="store_true", help="one JSON document on stdout")
    show.set_defaults(
        run=lambda args: guarded("replication show", lambda: _show(args), json_output=args.json)
    )

    put = sub.add_parser(
        "set",
        parents=parents,
        help="replace the rules with FILE's",
        description="Replace the registry's replication rules with FILE (the replicationConfiguration of "
        "PutReplicationConfiguration, or the output of `replication show --json`; - reads stdin). The change "
        "is shown (before/after) and confirmed on a terminal; without a terminal it needs --yes.",
    )
    put.add_argument("file", metavar="FILE", help="JSON file ('-' for stdin)")
    put.add_argument("--dry-run", action="store_true", help="check and show the change; send nothing")
    put.add_argument("--yes", "-y", action="store_true", help="do not ask before replacing the rules")
    put.set_defaults(run=lambda args: guarded("replication set", lambda: _set(args)))

    backfill = sub.add_parser(
        "backfill",
        parents=parents,
        help="replicate existing images to one destination",
        description="Start a replication backfill: ECR copies the registry's existing images that match its rules "
        "to one destination of those rules.",
    )
    backfill.add_argument(
        "--destination", required=True, metavar="REGION[:ACCOUNT]", help="a destination of the rules"
    )
    backfill.add_argument("--wait", action="store_true", help="follow it to the end (progress on stderr)")
    backfill.add_argument("--json", action="store_true", help="one JSON document on stdout")
    backfill.set_defaults(
        run=lambda args: guarded("replication backfill", lambda: _backfill(args), json_output=args.json)
    )

    status = sub.add_parser(
        "status",
        parents=parents,
        help="an image's replication per destination",
        description="An image's replication status at each destination (IMAGE: NAME:TAG, NAME@DIGEST or a "
        "full ECR URI).",
    )
    status.add_argument("image", metavar="IMAGE", help="the image")
    status.add_argument("--wait", action="store_true", help="wait until no destination is in progress")
    status.add_argument("--json", action="store_true", help="one JSON document on stdout")
    status.set_defaults(
        run=lambda args: guarded("replication status", lambda: _status(args), json_output=args.json)
    )
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("ecrtui replication: choose an action: show, set, backfill or status", file=sys.stderr)
    return EXIT_USAGE


# -- JSON shapes (ECR's field names) ----------------------------------------------------------------------------


def _backfill_json(backfill: ReplicationBackfill) -> dict[str, Any]:
    data: dict[str, Any] = {
        "replicationBackfillId": backfill.backfill_id,
        "registryId": backfill.registry_id,
        "destination": backfill.destination.to_api(),
        "status": str(backfill.status),
        "startedAt": backfill.started_at,
    }
    if backfill.ended_at is not None:
        data["endedAt"] = backfill.ended_at
    if backfill.failure_code:
        data["failureCode"] = backfill.failure_code
    if backfill.progress is not None:
        data["progress"] = {
            "totalReplicationCount": backfill.progress.total,
            "completedReplicationCount": backfill.progress.completed,
            "failedReplicationCount": backfill.progress.failed,
            "failureCodes": list(backfill.progress.failure_codes),
        }
    return data


def _result_json(result: BackfillResult) -> dict[str, Any]:
    image_id = {"imageDigest": result.digest, **({"imageTag": result.tag} if result.tag else {})}
    data: dict[str, Any] = {
        "repositoryName": result.repository_name,
        "imageId": image_id,
        "status": str(result.status),
    }
    if result.failure_code:
        data["failureCode"] = result.failure_code
    if result.sub_image_failure_codes is not None:
        data["subImageFailureCodes"] = list(result.sub_image_failure_codes)
    return data


def _image_json(replication: ImageReplication) -> dict[str, Any]:
    statuses = []
    for status in replication.statuses:
        entry = {**status.destination.to_api(), "status": str(status.status)}
        if status.failure_code:
            entry["failureCode"] = status.failure_code
        statuses.append(entry)
    image_id = {
        "imageDigest": replication.digest,
        **({"imageTag": replication.tag} if replication.tag else {}),
    }
    return {
        "repositoryName": replication.repository_name,
        "imageId": image_id,
        "replicationStatuses": statuses,
    }


# -- following ECR's work as a job ---------------------------------------------------------------------------------


def _run_job(
    kind: JobKind, title: str, runner: JobRunner, on_first_interrupt: Callable[[], None] | None = None
) -> Job:
    """Run ECR-watching work as a job of the jobs model, its progress on stderr (``cli/job_progress``: a bar on a
    terminal, ``TITLE: ...`` lines otherwise); a first Ctrl-C cancels the job, a second raises."""
    from ecrtui.cli.job_progress import job_display
    from ecrtui.jobs.model import JobBoard

    board = JobBoard()
    job = board.add(kind, title, runner)
    with (
        interrupt_sets(job.cancel_event, on_first_interrupt),
        job_display(board, "replication", prefix=title),
    ):
        job.run()
    return job


def _ended_with(job: Job, kinds: tuple[type[BaseException], ...]) -> Any:
    """The work's result when it succeeded, else the error of ``kinds`` it ended with (which carries what ECR last
    said); any other failure is raised, for ``guarded`` to print as one line."""
    from ecrtui.jobs.model import JobState

    if job.state is JobState.DONE:
        assert job.outcome is not None
        return job.outcome.result
    error = job.exception
    if isinstance(error, kinds):
        return error
    assert error is not None
    raise error


# -- show -------------------------------------------------------------------------------------------------------


def _rule_lines(config: ReplicationConfiguration) -> list[str]:
    if not config.rules:
        return ["  no rules: ECR replicates nothing from this registry"]
    lines: list[str] = []
    for number, rule in enumerate(config.rules, 1):
        which = ", ".join(rule.repository_prefixes) if rule.repository_prefixes else "every repository"
        lines.append(
            f"  rule {number}: {which}" + ("" if not rule.repository_prefixes else " (name prefixes)")
        )
        for destination in rule.destinations:
            other = (
                "   another account: its registry policy must let this account in"
                if (destination.registry_id != config.registry_id)
                else ""
            )
            lines.append(f"    -> {destination.label}{other}")
        lines.append(
            f"    deletions and tag removals: {'replicated' if rule.delete_replication else 'not replicated'}"
        )
    return lines


def _backfill_line(backfill: ReplicationBackfill) -> str:
    from ecrtui.ecr.replication_watch import backfill_progress

    started = backfill.started_at.strftime("%Y-%m-%d %H:%M UTC") if backfill.started_at else "?"
    return f"  {backfill.backfill_id}  {backfill.status.value:<11}  {started}  {backfill_progress(backfill).message}"


def _show(args: argparse.Namespace) -> int:
    service = open_service(args)
    config = service.get_replication_configuration()
    policy = service.get_registry_policy()
    backfills = next(service.iter_replication_backfill_pages(page_size=RECENT_BACKFILLS), [])
    grants = policy.incoming_replication() if policy is not None else ()
    if args.json:
        print_json(
            {
                "registryId": config.registry_id,
                "region": service.region,
                "replicationConfiguration": config.to_api(),
                "incomingReplication": [
                    {
                        "account": g.account_id,
                        "replicateImage": g.replicate,
                        "createRepository": g.create_repository,
                    }
                    for g in grants
                ],
                "backfills": [_backfill_json(b) for b in backfills],
            }
        )
        return EXIT_OK
    count = len(config.rules)
    lines = [
        f"Registry {config.registry_id} ({service.region}): {count} replication rule{'s' * (count != 1)}"
    ]
    lines += _rule_lines(config)
    lines.append("Incoming replication (this registry's policy):")
    if not grants:
        lines.append("  none: no other account may replicate into this registry")
    for grant in grants:
        who = "every account" if grant.account_id == "*" else f"account {grant.account_id}"
        if grant.replicate:
            create = (
                "and create repositories" if grant.create_repository else "into existing repositories only"
            )
            lines.append(f"  {who} may replicate {create}")
        else:
            lines.append(f"  {who} is named but may not replicate (ecr:ReplicateImage not granted)")
    lines.append("Backfills (newest first):" if backfills else "Backfills: none")
    lines += [_backfill_line(b) for b in backfills]
    print("\n".join(lines))
    return EXIT_OK


# -- set --------------------------------------------------------------------------------------------------------


def _read_document(name: str) -> Any:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror or error}", EXIT_USAGE) from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise CommandError(f"{name} is not JSON: {error}", EXIT_USAGE) from None


def _pretty(config: ReplicationConfiguration) -> list[str]:
    return (json.dumps(config.to_api(), indent=2) + "\n").splitlines(keepends=True)


def _set(args: argparse.Namespace) -> int:
    from ecrtui.ecr.errors import ReadOnlyError
    from ecrtui.ecr.replication import ReplicationConfiguration
    from ecrtui.manage.audit import REPLICATION_SET, replication_target

    document = _read_document(args.file)
    service = open_service(args)
    if service.read_only and not args.dry_run:  # say so before showing a change that will not happen
        raise ReadOnlyError(
            "Read-only mode: PutReplicationConfiguration is not allowed (--dry-run shows the change)",
            operation="PutReplicationConfiguration",
        )
    wanted = ReplicationConfiguration.from_document(document, service.account_id)
    wanted.validate(service.region)
    current = service.get_replication_configuration()
    diff = list(difflib.unified_diff(_pretty(current), _pretty(wanted), "current", args.file))
    where = f"{service.account_id} ({service.region})"
    if not diff:
        print(f"replication of {where}: no change")
        return EXIT_OK
    sys.stdout.writelines(diff)
    for destination in wanted.cross_account_destinations():
        print(f"note: {wanted.requirement(destination)}")
    if args.dry_run:
        print(f"dry run: nothing sent to {where}")
        return EXIT_OK
    sys.stdout.flush()  # the diff before the question
    confirm(f"Replace the replication rules of {where}?", assume_yes=args.yes)
    recorder = _recorder(service)
    target = replication_target(service.account_id, service.region)
    try:
        kept = service.put_replication_configuration(wanted)
    except Exception as error:
        recorder.record(REPLICATION_SET, target, error)
        raise
    count = len(kept.rules)
    recorder.record(REPLICATION_SET, target, detail=f"{count} rule(s): {_destinations_text(kept)}")
    print(f"replication of {where} replaced: {count} rule{'s' * (count != 1)}")
    return EXIT_OK


def _destinations_text(config: ReplicationConfiguration) -> str:
    return ", ".join(d.label for d in config.destinations) or "no destinations"


def _recorder(service: EcrService) -> ChangeRecorder:
    from ecrtui.manage.audit import AuditLog, ChangeRecorder

    return ChangeRecorder.of(AuditLog(), service)


# -- backfill ---------------------------------------------------------------------------------------------------


def _print_report_text(backfill: ReplicationBackfill, results: tuple[BackfillResult, ...]) -> None:
    from ecrtui.ecr.replication_watch import backfill_progress

    print(f"backfill {backfill.backfill_id}: {backfill_progress(backfill).message}")
    for result in results:
        if result.detail:
            print(f"  {result.label}: {result.detail}")


def _backfill(args: argparse.Namespace) -> int:
    from ecrtui.ecr.replication import ReplicationDestination
    from ecrtui.manage.audit import REPLICATION_BACKFILL, backfill_target

    service = open_service(args)
    destination = ReplicationDestination.parse(args.destination, service.account_id)
    configured = service.get_replication_configuration().destinations
    if destination not in configured:
        known = ", ".join(d.label for d in configured) or "none: the registry has no replication rules"
        raise CommandError(
            f"{destination.label} is not a destination of the registry's replication rules (its destinations: "
            f"{known})",
            EXIT_USAGE,
        )
    if not args.wait:
        recorder, target = _recorder(service), backfill_target(destination.label)
        try:
            started = service.start_replication_backfill(destination)
        except Exception as error:
            recorder.record(REPLICATION_BACKFILL, target, error)
            raise
        recorder.record(REPLICATION_BACKFILL, target, detail=f"started {started.backfill_id}")
        if args.json:
            print_json(_backfill_json(started))
        else:
            print(f"backfill {started.backfill_id} started to {destination.label} ({started.status.value})")
            print("follow it: ecrtui replication show, or start it with --wait")
        return EXIT_OK
    report, code = _follow_backfill(service, destination)
    if args.json:
        print_json({**_backfill_json(report.backfill), "results": [_result_json(r) for r in report.results]})
    else:
        _print_report_text(report.backfill, report.results)
    return code


def _follow_backfill(service: EcrService, destination: ReplicationDestination) -> tuple[BackfillReport, int]:
    """Start the backfill and follow it as a job (``backfill_runner``): a first Ctrl-C stops the backfill and
    waits for ECR to say it stopped, a second leaves it as it is. The report and the exit code."""
    from ecrtui.jobs.model import JobKind
    from ecrtui.jobs.replication_runners import BackfillFailed, BackfillStopped, backfill_runner

    def stopping() -> None:
        print(
            f"stopping backfill to {destination.label} (Ctrl-C again to leave it as it is)",
            file=sys.stderr,
            flush=True,
        )

    from ecrtui.manage.audit import REPLICATION_BACKFILL, audited_runner, backfill_target

    runner = audited_runner(
        backfill_runner(service, destination),
        lambda: _recorder(service),
        REPLICATION_BACKFILL,
        backfill_target(destination.label),
    )
    try:
        job = _run_job(JobKind.BACKFILL, "backfill", runner, stopping)
    except KeyboardInterrupt:
        raise CommandError(
            f"left the backfill to {destination.label} as it is (ecrtui replication show follows it)",
            EXIT_INTERRUPTED,
        ) from None
    ended = _ended_with(job, (BackfillFailed, BackfillStopped))
    if isinstance(ended, BackfillStopped):
        return ended.report, EXIT_INTERRUPTED
    if isinstance(ended, BackfillFailed):
        return ended.report, EXIT_FAILED
    report: BackfillReport = ended
    return report, EXIT_FAILED if report.failures else EXIT_OK


# -- status -----------------------------------------------------------------------------------------------------


def _status_service(args: argparse.Namespace) -> tuple[EcrService, ImageRef, RegistryRef]:
    """The service for the image's own region, the reference, and its registry."""
    from ecrtui.ecr.image_lookup import resolve_query
    from ecrtui.ecr.refs import RegistryRef, parse_image_query

    service = open_service(args)
    own = RegistryRef(service.account_id, service.region)
    query = parse_image_query(args.image, own)
    registry = query.ref.registry or own
    if registry.region != service.region:
        service = open_service(args, region=registry.region)
    if not (query.ref.tag or query.ref.digest or query.digest_prefix):
        raise CommandError(f"{args.image}: name a tag or a digest (NAME:TAG or NAME@sha256:...)", EXIT_USAGE)
    return service, resolve_query(service, query), registry


def _status_lines(replication: ImageReplication) -> list[str]:
    from ecrtui.ecr.replication import explain_failure

    header = f"{replication.label} ({replication.digest})"
    if not replication.statuses:
        return [
            f"{header}: no replication recorded (no rule covers {replication.repository_name}, or the image "
            "predates the rules: `ecrtui replication backfill` replicates those)"
        ]
    lines = [f"{header}:"]
    for status in replication.statuses:
        reason = f"  {explain_failure(status.failure_code)}" if status.failure_code else ""
        lines.append(f"  {status.destination.label:<28} {status.status.value}{reason}")
    return lines


def _status(args: argparse.Namespace) -> int:
    service, ref, registry = _status_service(args)
    reference = ref.digest or ref.tag or ""
    code = EXIT_OK
    if args.wait:
        from ecrtui.jobs.model import JobKind
        from ecrtui.jobs.replication_runners import ImageNotReplicated, WatchStopped, image_replication_runner

        runner = image_replication_runner(service, ref.name, reference, registry.account_id)
        ended = _ended_with(
            _run_job(JobKind.REPLICATION, f"replication of {ref}", runner), (ImageNotReplicated, WatchStopped)
        )
        if isinstance(ended, ImageNotReplicated | WatchStopped):
            replication = ended.replication
            code = EXIT_INTERRUPTED if isinstance(ended, WatchStopped) else EXIT_FAILED
        else:
            replication = ended
    else:
        replication = service.get_image_replication(ref.name, reference, registry.account_id)
    if args.json:
        print_json(_image_json(replication))
    else:
        print("\n".join(_status_lines(replication)))
    return code
