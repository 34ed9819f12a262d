"""Image, repository and registry references: parse, validate and format ECR URIs, partial names and ARNs.

Accepted forms:

* `ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/NAME[:TAG][@sha256:HEX]` (and the dual-stack
  `ACCOUNT.dkr-ecr[-fips].REGION.on.aws/...`);
* partial `NAME`, `NAME:TAG`, `NAME@DIGEST`, `ns/NAME:TAG@DIGEST`, resolved against a default registry the caller
  supplies (its own account and region);
* repository ARNs `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME` in the aws, aws-cn and aws-us-gov partitions.

As in Docker, a first path component with a dot or a port (or `localhost`) is a registry host; a host that is not
an ECR private registry (Docker Hub, ECR Public, GHCR, ...) is refused by name, never read as the caller's own.
`format(ref)` / `str(ref)` gives back the canonical text, so `format(parse_reference(x)) == x` for canonical x.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

NAME_MIN = 2
NAME_MAX = 256
TAG_MAX = 128

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
_ECR_HOST = re.compile(
    r"^(?P<account>[^.]+)\.(?P<service>dkr\.ecr|dkr-ecr)(?P<fips>-fips)?\.(?P<region>[^.]+)\."
    r"(?P<suffix>amazonaws\.com\.cn|amazonaws\.com|on\.aws)$"
)
_REGION_RE = re.compile(rf"^{_REGION}$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
# ECR's current API model (botocore's RepositoryName pattern): words joined by '.', '_', '__' or any run of '-'.
_COMPONENT_RE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_SEPARATOR_RUN = re.compile(r"[._-]+")
_GOOD_SEPARATOR = re.compile(r"^(?:[._]|__|-+)$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_SHA256_RE = re.compile(r"^sha256:[a-f0-9]{64}$")
_SHA256_PREFIX_RE = re.compile(r"^sha256:(?P<hex>[a-f0-9]{1,63})$")

DIGEST_PREFIX_MIN = 8
"""The fewest hex digits a short digest (``NAME@sha256:2aa4292d``) may have: fewer would match by accident."""

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")

_KNOWN_REGISTRIES = {
    "docker.io": "Docker Hub",
    "index.docker.io": "Docker Hub",
    "registry-1.docker.io": "Docker Hub",
    "public.ecr.aws": "Amazon ECR Public",
    "ghcr.io": "GitHub Container Registry",
    "quay.io": "Quay",
    "gcr.io": "Google Container Registry",
    "mcr.microsoft.com": "Microsoft Container Registry",
    "registry.k8s.io": "the Kubernetes registry",
    "registry.gitlab.com": "GitLab Container Registry",
}


class InvalidReference(ValueError):
    """A reference that cannot be used; `str()` is one line naming the offending part."""


def _show(value: object, limit: int = 80) -> str:
    """Quote-ready text of a user value: control characters escaped (the message stays one line) and
    shortened so a pasted blob cannot flood the status line."""
    text = "".join(_escape(c) for c in str(value))
    return text if len(text) <= limit else f"{text[: limit - 14]}...{text[-11:]}"


def _escape(char: str) -> str:
    """A printable stand-in for a control character (``\\n``, ``\\x00``); other characters as they are."""
    return char if char.isprintable() else repr(char)[1:-1]


def partition_for_region(region: str) -> str:
    """The AWS partition a region belongs to (aws-cn for cn-*, aws-us-gov for us-gov-*)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def partition_dns_suffix(region: str) -> str:
    """The DNS suffix of a region's partition (China regions live under amazonaws.com.cn)."""
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def ecr_host(account_id: str, region: str, fips: bool = False, dualstack: bool = False) -> str:
    """The registry host for an account and region: `ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]`."""
    if dualstack:
        return f"{account_id}.dkr-ecr{'-fips' if fips else ''}.{region}.on.aws"
    service = "dkr.ecr-fips" if fips else "dkr.ecr"
    return f"{account_id}.{service}.{region}.{partition_dns_suffix(region)}"


@dataclass(frozen=True, slots=True)
class RegistryRef:
    """An ECR private registry: one account in one region (optionally its FIPS or dual-stack endpoint)."""

    account_id: str
    region: str
    fips: bool = False
    dualstack: bool = False

    def __post_init__(self) -> None:
        check_account(self.account_id)
        check_region(self.region)

    @property
    def host(self) -> str:
        return ecr_host(self.account_id, self.region, self.fips, self.dualstack)

    @property
    def partition(self) -> str:
        return partition_for_region(self.region)

    def __str__(self) -> str:
        return self.host


@dataclass(frozen=True, slots=True)
class RepositoryRef:
    """A repository name, with its registry when known (None: the caller's default registry)."""

    name: str
    registry: RegistryRef | None = None

    def __post_init__(self) -> None:
        check_repository_name(self.name)

    @property
    def arn(self) -> str:
        """`arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME`; needs a registry."""
        registry = self._require_registry()
        return f"arn:{registry.partition}:ecr:{registry.region}:{registry.account_id}:repository/{self.name}"

    @property
    def uri(self) -> str:
        """`HOST/NAME`, as ECR's `repositoryUri`; needs a registry."""
        return f"{self._require_registry().host}/{self.name}"

    def _require_registry(self) -> RegistryRef:
        if self.registry is None:
            raise InvalidReference(
                f"repository '{_show(self.name)}' has no registry; resolve it against one first"
            )
        return self.registry

    def __str__(self) -> str:
        return self.uri if self.registry else self.name


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A repository plus an optional tag and/or digest (neither: the repository itself)."""

    repository: RepositoryRef
    tag: str | None = None
    digest: str | None = None

    def __post_init__(self) -> None:
        if self.tag is not None:
            check_tag(self.tag)
        if self.digest is not None:
            check_digest(self.digest)

    @property
    def name(self) -> str:
        return self.repository.name

    @property
    def registry(self) -> RegistryRef | None:
        return self.repository.registry

    @property
    def is_partial(self) -> bool:
        """True when no registry was given and the caller's default applies."""
        return self.repository.registry is None

    def resolve(self, default: RegistryRef) -> ImageRef:
        """This reference with `default` as registry if it has none (full references are kept as they are)."""
        if self.repository.registry is not None:
            return self
        return replace(self, repository=RepositoryRef(self.repository.name, default))

    def image_id(self) -> dict[str, str]:
        """The `imageIds[]` entry ECR calls take (`imageTag` and/or `imageDigest`)."""
        if self.tag is None and self.digest is None:
            raise InvalidReference(f"'{_show(self)}' names a repository, not an image (add :TAG or @DIGEST)")
        image_id: dict[str, str] = {}
        if self.tag is not None:
            image_id["imageTag"] = self.tag
        if self.digest is not None:
            image_id["imageDigest"] = self.digest
        return image_id

    def __str__(self) -> str:
        text = str(self.repository)
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


def check_account(account_id: str) -> str:
    if not _ACCOUNT_RE.match(account_id):
        raise InvalidReference(f"account id '{_show(account_id)}' must be 12 digits")
    return account_id


def check_region(region: str) -> str:
    if not _REGION_RE.match(region):
        raise InvalidReference(
            f"region '{_show(region)}' is not an AWS region name (like us-east-1 or me-south-1)"
        )
    return region


def _describe_bad_chars(text: str, allowed: re.Pattern[str]) -> str | None:
    """Name the first character that can never appear, e.g. "contains a space"."""
    for char in text:
        if not allowed.match(char):
            if char == " ":
                return "contains a space"
            if char.isspace():
                return "contains whitespace"
            return f"contains '{_escape(char)}'"
    return None


_NAME_CHAR = re.compile(r"[a-z0-9._/-]")
_TAG_CHAR = re.compile(r"[A-Za-z0-9_.-]")


def check_repository_name(name: str) -> str:
    """Validate a repository name by ECR's rules, raising InvalidReference that says what is wrong."""
    label = f"repository name '{_show(name)}'"
    if not name:
        raise InvalidReference("repository name is empty")
    if any(c.isupper() for c in name):
        raise InvalidReference(f"{label} has uppercase letters; ECR repository names are lowercase")
    bad = _describe_bad_chars(name, _NAME_CHAR)
    if bad:
        raise InvalidReference(f"{label} {bad}")
    if len(name) < NAME_MIN:
        raise InvalidReference(f"{label} is too short (at least {NAME_MIN} characters)")
    if len(name) > NAME_MAX:
        raise InvalidReference(f"{label} is {len(name)} characters; the limit is {NAME_MAX}")
    for component in name.split("/"):
        if not component:
            raise InvalidReference(f"{label} has an empty path component (leading, trailing or double '/')")
        if not _COMPONENT_RE.match(component):
            if not (component[0].isalnum() and component[-1].isalnum()):
                raise InvalidReference(
                    f"{label}: component '{_show(component)}' must start and end with a letter or digit"
                )
            bad_run = next(r for r in _SEPARATOR_RUN.findall(component) if not _GOOD_SEPARATOR.match(r))
            raise InvalidReference(
                f"{label}: component '{_show(component)}' joins words with '{bad_run}'"
                " (ECR allows '.', '_', '__' or dashes)"
            )
    return name


def check_tag(tag: str) -> str:
    """Validate an image tag: up to 128 of `[A-Za-z0-9_.-]`, not starting with '.' or '-'."""
    if not tag:
        raise InvalidReference("tag is empty (remove the ':' or add a tag)")
    label = f"tag '{_show(tag)}'"
    bad = _describe_bad_chars(tag, _TAG_CHAR)
    if bad:
        raise InvalidReference(f"{label} {bad}")
    if len(tag) > TAG_MAX:
        raise InvalidReference(f"{label} is {len(tag)} characters; the limit is {TAG_MAX}")
    if not _TAG_RE.match(tag):
        raise InvalidReference(f"{label} must start with a letter, digit or underscore")
    return tag


def check_digest(digest: str) -> str:
    """Validate an image digest: `sha256:` and 64 lowercase hex digits (the only algorithm ECR uses)."""
    if _SHA256_RE.match(digest):
        return digest
    algorithm, sep, encoded = digest.partition(":")
    if not sep:
        raise InvalidReference(f"digest '{_show(digest)}' must start with 'sha256:'")
    if algorithm != "sha256":
        raise InvalidReference(f"digest algorithm '{_show(algorithm)}' is not supported; ECR uses sha256")
    if encoded.lower() != encoded and len(encoded) == 64:
        raise InvalidReference(f"digest '{_show(digest)}' must use lowercase hex")
    raise InvalidReference(
        f"digest '{_show(digest)}' must be sha256: followed by 64 hex digits (has {len(encoded)})"
    )


@dataclass(frozen=True, slots=True)
class ImageQuery:
    """An image reference as a person types it: ``ref``, plus a short digest still to be looked up.

    ``digest_prefix`` (``sha256:2aa4292d4348``, as the app and ``docker images`` show digests) is set only when
    the text named one; ``ref`` then carries no digest. Only commands that read the repository's listing accept a
    prefix (``ecrtui.ecr.image_lookup`` expands it); everything that talks to ECR takes full digests.
    """

    ref: ImageRef
    digest_prefix: str | None = None


def parse_image_query(text: str, default_registry: RegistryRef | None = None) -> ImageQuery:
    """Like ``parse_reference``, but ``@sha256:`` followed by 8 to 63 hex digits is kept apart as a prefix.

    A full digest, and anything malformed, is left to ``parse_reference`` (validated exactly as everywhere else).
    """
    if isinstance(text, str):
        rest, at, digest = text.strip().rpartition("@")
        match = _SHA256_PREFIX_RE.match(digest) if at else None
        if match is not None:
            if len(match["hex"]) < DIGEST_PREFIX_MIN:
                raise InvalidReference(
                    f"digest '{_show(digest)}' is too short: give at least {DIGEST_PREFIX_MIN} hex digits "
                    "or the full digest"
                )
            return ImageQuery(parse_reference(rest, default_registry), digest)
    return ImageQuery(parse_reference(text, default_registry))


def short_digest(digest: str) -> str:
    """``sha256:`` and the first 12 hex digits (as ``docker images`` shows digests); other text unchanged."""
    algorithm, sep, hex_part = digest.partition(":")
    return f"{algorithm}:{hex_part[:12]}" if sep else digest


def _is_host(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost"


def _is_registry_host(text: str) -> bool:
    """A bare ECR host or a well-known registry (``docker.io``): pasted without a repository name."""
    host = text.lower()
    return bool(_ECR_HOST.match(host)) or host in _KNOWN_REGISTRIES


def _other_registry(host: str, text: str) -> InvalidReference:
    known = _KNOWN_REGISTRIES.get(host)
    if known is None and host.endswith(".pkg.dev"):
        known = "Google Artifact Registry"
    if known is None and host.endswith(".azurecr.io"):
        known = "Azure Container Registry"
    what = f"{known} ({host})" if known else f"the registry '{_show(host)}'"
    hint = ""
    if known is None and _COMPONENT_RE.match(host):
        hint = "; if it is part of an ECR repository name, give the full ACCOUNT.dkr.ecr.REGION.amazonaws.com URI"
    return InvalidReference(f"'{_show(text)}' refers to {what}, not an Amazon ECR private registry{hint}")


def parse_registry_host(host: str, text: str | None = None) -> RegistryRef:
    """Parse an ECR registry host, refusing other registries by name (`text`: the whole reference)."""
    match = _ECR_HOST.match(host.lower())
    if match is None:
        raise _other_registry(host, text or host)
    account = check_account(match["account"])
    region = check_region(match["region"])
    suffix = match["suffix"]
    dualstack = match["service"] == "dkr-ecr"
    if dualstack != (suffix == "on.aws"):
        raise _other_registry(host, text or host)
    if not dualstack:
        expected = partition_dns_suffix(region)
        if suffix != expected:
            raise InvalidReference(
                f"registry host '{_show(host)}': region {region} is served from {expected}, not {suffix}"
            )
    return RegistryRef(account, region, fips=bool(match["fips"]), dualstack=dualstack)


def parse_arn(arn: str) -> RepositoryRef:
    """Parse `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME`."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        raise InvalidReference(
            f"ARN '{_show(arn)}' must have the form arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME"
        )
    _, partition, service, region, account, resource = parts
    if partition not in PARTITIONS:
        raise InvalidReference(
            f"ARN partition '{_show(partition)}' is not supported (use {', '.join(PARTITIONS)})"
        )
    if service != "ecr":
        raise InvalidReference(f"ARN '{_show(arn)}' is for the '{_show(service)}' service, not ecr")
    check_region(region)
    if partition_for_region(region) != partition:
        raise InvalidReference(
            f"ARN '{_show(arn)}': region {region} belongs to partition {partition_for_region(region)}, not {partition}"
        )
    check_account(account)
    kind, slash, name = resource.partition("/")
    if kind != "repository" or not slash:
        raise InvalidReference(f"ARN '{_show(arn)}' does not name a repository (expected repository/NAME)")
    return RepositoryRef(name, RegistryRef(account, region))


def parse_reference(text: str, default_registry: RegistryRef | None = None) -> ImageRef:
    """Parse an ECR image or repository reference; partial ones take `default_registry` if given.

    Raises InvalidReference with a one-line message naming the offending part.
    """
    if not isinstance(text, str):
        raise InvalidReference(f"a reference must be text, not {type(text).__name__}")
    text = text.strip()
    if not text:
        raise InvalidReference("the reference is empty")
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise InvalidReference(f"'{_show(text)}' has a '{scheme}://' prefix; write the reference without it")
    if text.startswith("arn:"):
        ref = ImageRef(parse_arn(text))
        return ref.resolve(default_registry) if default_registry else ref

    rest, at, digest = text.partition("@")
    if at:
        check_digest(digest)
    registry: RegistryRef | None = None
    first, slash, remainder = rest.partition("/")
    if slash and _is_host(first):
        registry = parse_registry_host(first, text)
        rest = remainder
    elif not slash and _is_registry_host(rest):
        raise InvalidReference(f"'{_show(text)}' is a registry host, not an image reference (add /NAME)")
    name, tag = rest, None
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > last_slash:
        name, tag = rest[:colon], rest[colon + 1 :]
        if tag is not None:
            check_tag(tag)
    if not name:
        raise InvalidReference(f"'{_show(text)}' has no repository name")
    ref = ImageRef(RepositoryRef(name, registry), tag, digest if at else None)
    return ref.resolve(default_registry) if default_registry else ref
