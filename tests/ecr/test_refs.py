"""References: ECR URIs, partial names and ARNs; the grammar by example and by property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrtui.ecr.refs import (
    ImageRef,
    InvalidReference,
    RegistryRef,
    RepositoryRef,
    parse_reference,
)

ACCOUNT = "123456789012"
DIGEST = "sha256:" + "0123456789abcdef" * 4
DEFAULT = RegistryRef("111111111111", "us-east-1")
KNOWN_HOSTS = {"docker.io", "index.docker.io", "public.ecr.aws", "ghcr.io", "quay.io", "gcr.io"}

REGIONS = [
    "us-east-1",
    "eu-west-1",
    "me-south-1",
    "il-central-1",
    "ap-southeast-5",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "ca-west-1",
    "mx-central-1",
]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("fips", [False, True])
def test_full_uri_in_any_region_round_trips(region: str, fips: bool) -> None:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    service = "dkr.ecr-fips" if fips else "dkr.ecr"
    text = f"{ACCOUNT}.{service}.{region}.{suffix}/team/app:v1@{DIGEST}"
    ref = parse_reference(text)
    assert ref.registry == RegistryRef(ACCOUNT, region, fips=fips)
    assert (ref.name, ref.tag, ref.digest) == ("team/app", "v1", DIGEST)
    assert not ref.is_partial
    assert format(ref) == text


def test_dualstack_host_round_trips() -> None:
    text = f"{ACCOUNT}.dkr-ecr.eu-central-1.on.aws/app@{DIGEST}"
    ref = parse_reference(text)
    assert ref.registry is not None
    assert ref.registry.dualstack
    assert str(ref) == text


@pytest.mark.parametrize(
    ("text", "name", "tag", "digest"),
    [
        ("app", "app", None, None),
        ("app:v1", "app", "v1", None),
        (f"app@{DIGEST}", "app", None, DIGEST),
        (f"ns/app:v1@{DIGEST}", "ns/app", "v1", DIGEST),
        ("a.b/c_d/e-f:_x.Y-1", "a.b/c_d/e-f", "_x.Y-1", None),
    ],
)
def test_partial_reference_resolves_against_the_default_registry(
    text: str, name: str, tag: str | None, digest: str | None
) -> None:
    if text.startswith("a.b/"):
        text = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{text}"
    ref = parse_reference(text)
    assert (ref.name, ref.tag, ref.digest) == (name, tag, digest)
    assert format(ref) == text
    resolved = parse_reference(text, DEFAULT)
    if ref.is_partial:
        assert resolved.registry == DEFAULT
        assert str(resolved) == f"{DEFAULT.host}/{text}"
    else:
        assert resolved == ref


@pytest.mark.parametrize(
    ("arn", "region", "host"),
    [
        (
            f"arn:aws:ecr:me-south-1:{ACCOUNT}:repository/team/app",
            "me-south-1",
            f"{ACCOUNT}.dkr.ecr.me-south-1.amazonaws.com",
        ),
        (
            f"arn:aws-cn:ecr:cn-north-1:{ACCOUNT}:repository/team/app",
            "cn-north-1",
            f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn",
        ),
        (
            f"arn:aws-us-gov:ecr:us-gov-west-1:{ACCOUNT}:repository/team/app",
            "us-gov-west-1",
            f"{ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com",
        ),
    ],
)
def test_repository_arns_in_every_partition(arn: str, region: str, host: str) -> None:
    ref = parse_reference(arn)
    assert ref.name == "team/app"
    assert ref.registry == RegistryRef(ACCOUNT, region)
    assert ref.repository.arn == arn
    assert ref.repository.uri == f"{host}/team/app"
    assert parse_reference(arn, DEFAULT) == ref


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("app:v1 beta", "tag 'v1 beta' contains a space"),
        ("app:", "tag is empty"),
        ("app:.hidden", "tag '.hidden' must start with a letter, digit or underscore"),
        ("app:-x", "tag '-x' must start"),
        ("app:v1+2", "tag 'v1+2' contains '+'"),
        ("app:" + "x" * 129, "is 129 characters; the limit is 128"),
        ("App", "repository name 'App' has uppercase letters"),
        ("my app", "repository name 'my app' contains a space"),
        ("a", "repository name 'a' is too short"),
        ("a" * 257, "is 257 characters; the limit is 256"),
        ("a//b", "empty path component"),
        ("/ab", "empty path component"),
        ("ab/", "empty path component"),
        ("ab/-c", "component '-c' must start and end with a letter or digit"),
        ("a..b", "component 'a..b' joins words with '..' (ECR allows '.', '_', '__' or dashes)"),
        ("team/a___b", "component 'a___b' joins words with '___'"),
        ("a_-b", "joins words with '_-'"),
        ("a#b", "contains '#'"),
        ("app@sha256:abc", "digest 'sha256:abc' must be sha256: followed by 64 hex digits"),
        ("app@" + DIGEST.upper().replace("SHA256", "sha256"), "lowercase hex"),
        ("app@sha512:" + "a" * 128, "digest algorithm 'sha512' is not supported"),
        ("app@abc", "must start with 'sha256:'"),
        ("", "the reference is empty"),
        ("  ", "the reference is empty"),
        (":v1", "has no repository name"),
        ("https://example.com/app", "'https://' prefix"),
        ("1234.dkr.ecr.us-east-1.amazonaws.com/app", "account id '1234' must be 12 digits"),
        (f"{ACCOUNT}.dkr.ecr.useast1.amazonaws.com/app", "region 'useast1' is not an AWS region"),
        (f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com/app", "served from amazonaws.com.cn"),
        (f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com.cn/app", "served from amazonaws.com"),
        (f"arn:aws:ecr:cn-north-1:{ACCOUNT}:repository/app", "belongs to partition aws-cn"),
        (f"arn:aws-iso:ecr:us-iso-east-1:{ACCOUNT}:repository/app", "partition 'aws-iso' is not supported"),
        (f"arn:aws:s3:us-east-1:{ACCOUNT}:repository/app", "'s3' service"),
        (f"arn:aws:ecr:us-east-1:{ACCOUNT}:registry/app", "does not name a repository"),
        ("arn:aws:ecr:us-east-1", "must have the form"),
    ],
)
def test_bad_reference_names_the_offending_part(text: str, message: str) -> None:
    with pytest.raises(InvalidReference) as caught:
        parse_reference(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "registry"),
    [
        ("docker.io/library/nginx:latest", "Docker Hub (docker.io)"),
        ("registry-1.docker.io/library/nginx", "Docker Hub"),
        ("public.ecr.aws/nginx/nginx:1.25", "Amazon ECR Public (public.ecr.aws)"),
        ("ghcr.io/org/app:v1", "GitHub Container Registry (ghcr.io)"),
        ("quay.io/org/app", "Quay (quay.io)"),
        ("localhost:5000/app", "the registry 'localhost:5000'"),
        ("localhost/app", "the registry 'localhost'"),
        ("registry.example.com:8443/team/app", "the registry 'registry.example.com:8443'"),
        ("europe-docker.pkg.dev/p/r/app", "Google Artifact Registry"),
        ("team.a/app", "give the full ACCOUNT.dkr.ecr.REGION.amazonaws.com URI"),
        (f"{ACCOUNT}.dkr.ecr.us-east-1.on.aws/app", "not an Amazon ECR private registry"),
    ],
)
def test_other_registries_are_refused_by_name(text: str, registry: str) -> None:
    with pytest.raises(InvalidReference) as caught:
        parse_reference(text, DEFAULT)
    message = str(caught.value)
    assert registry in message
    assert "not an Amazon ECR private registry" in message


@pytest.mark.parametrize(
    "text",
    [
        f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com",
        f"{ACCOUNT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
        "docker.io",
        "public.ecr.aws",
    ],
)
def test_a_bare_registry_host_is_not_read_as_a_repository(text: str) -> None:
    with pytest.raises(InvalidReference, match="is a registry host, not an image reference"):
        parse_reference(text, DEFAULT)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("app\x00x", "'app\\x00x' contains '\\x00'"),
        ("app:v\x1b[31m", "'v\\x1b[31m' contains '\\x1b'"),
        ("app\n:v", "'app\\n'"),
    ],
)
def test_control_characters_are_escaped_in_messages(text: str, shown: str) -> None:
    with pytest.raises(InvalidReference) as caught:
        parse_reference(text)
    assert shown in str(caught.value)
    assert str(caught.value).isprintable()


@pytest.mark.parametrize("name", ["my__app", "my--app", "team/a---b.c_d", "a__b/c--d"])
def test_names_real_ecr_accepts_parse(name: str) -> None:
    """ECR's API model allows '__' and dash runs between words (like the OCI distribution grammar)."""
    assert parse_reference(f"{DEFAULT.host}/{name}:v1").name == name


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(InvalidReference) as caught:
        parse_reference("app:" + "x" * 5000)
    assert len(str(caught.value)) < 150
    assert "is 5000 characters" in str(caught.value)


def test_image_id_for_ecr_calls() -> None:
    assert parse_reference("app:v1").image_id() == {"imageTag": "v1"}
    assert parse_reference(f"app:v1@{DIGEST}").image_id() == {"imageTag": "v1", "imageDigest": DIGEST}
    with pytest.raises(InvalidReference, match="names a repository, not an image"):
        parse_reference("app").image_id()


def test_partial_repository_has_no_arn_until_resolved() -> None:
    ref = parse_reference("team/app")
    with pytest.raises(InvalidReference, match="has no registry"):
        _ = ref.repository.arn
    assert ref.resolve(DEFAULT).repository.arn == "arn:aws:ecr:us-east-1:111111111111:repository/team/app"


def test_references_validate_when_built_directly() -> None:
    with pytest.raises(InvalidReference, match="tag 'a b'"):
        ImageRef(RepositoryRef("app"), tag="a b")
    with pytest.raises(InvalidReference, match="account id"):
        RegistryRef("12", "us-east-1")
    with pytest.raises(InvalidReference, match="region"):
        RegistryRef(ACCOUNT, "moon-1")


# --- properties -------------------------------------------------------------------------------------------

WORD = st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)
SEPARATOR = st.sampled_from([".", "_", "-", "__", "--", "---"])  # botocore's RepositoryName pattern


@st.composite
def components(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORD, min_size=1, max_size=3))
    seps = draw(st.lists(SEPARATOR, min_size=len(words) - 1, max_size=len(words) - 1))
    text = words[0]
    for sep, word in zip(seps, words[1:], strict=True):
        text += sep + word
    return text


@st.composite
def repository_names(draw: st.DrawFn) -> str:
    name = "/".join(draw(st.lists(components(), min_size=1, max_size=4)))
    if len(name) < 2:
        name += draw(WORD)
    return name


TAGS = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", fullmatch=True)
DIGESTS = st.from_regex(r"[a-f0-9]{64}", fullmatch=True).map(lambda h: f"sha256:{h}")
REGION_NAMES = st.builds(
    lambda area, words, n: f"{area}-{'-'.join(words)}-{n}",
    st.from_regex(r"[a-z]{2}", fullmatch=True),
    st.lists(st.from_regex(r"[a-z]{1,9}", fullmatch=True), min_size=1, max_size=2),
    st.integers(min_value=1, max_value=15),
)
REGISTRIES = st.builds(
    RegistryRef,
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    REGION_NAMES,
    st.booleans(),
    st.booleans(),
)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failures
@given(repository_names(), st.none() | TAGS, st.none() | DIGESTS, st.none() | REGISTRIES)
def test_format_of_parse_round_trips(
    name: str, tag: str | None, digest: str | None, registry: RegistryRef | None
) -> None:
    ref = ImageRef(RepositoryRef(name, registry), tag, digest)
    text = format(ref)
    if registry is None and "/" not in name and name in KNOWN_HOSTS:
        with pytest.raises(InvalidReference, match="is a registry host"):
            parse_reference(text)
        return
    if registry is None and "/" in name and "." in name.split("/")[0]:
        # Docker's rule: a dotted first component is a registry host, and not an ECR one.
        with pytest.raises(InvalidReference, match="not an Amazon ECR private registry"):
            parse_reference(text)
        return
    parsed = parse_reference(text)
    assert parsed == ref
    assert format(parsed) == text


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failures
@given(repository_names(), TAGS, st.sampled_from([" ", "\t", "+", "!", "/", "@@"]), st.data())
def test_a_bad_character_in_a_tag_is_named(name: str, tag: str, bad: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(tag) - 1))
    broken = tag[:cut] + bad + tag[cut:]
    with pytest.raises(InvalidReference) as caught:
        parse_reference(f"{DEFAULT.host}/{name}:{broken}")
    message = str(caught.value)
    assert "\n" not in message
    if bad in (" ", "\t", "+", "!"):
        shown = broken.replace("\t", "\\t")  # control characters are escaped, keeping the line printable
        assert message.startswith(f"tag '{shown[:60]}")
        assert "contains" in message


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failures
@given(repository_names(), st.data())
def test_an_uppercase_letter_in_a_name_is_named(name: str, data: st.DataObject) -> None:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if not letters:
        return
    at = data.draw(st.sampled_from(letters))
    shouting = name[:at] + name[at].upper() + name[at + 1 :]
    with pytest.raises(InvalidReference) as caught:
        parse_reference(f"{DEFAULT.host}/{shouting}")
    message = str(caught.value)
    assert message.endswith("has uppercase letters; ECR repository names are lowercase")
    if len(shouting) <= 80:  # longer names are shortened in the message
        assert message.startswith(f"repository name '{shouting}' has uppercase")


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failures
@given(REGISTRIES, repository_names())
def test_arn_round_trips_for_any_region(registry: RegistryRef, name: str) -> None:
    plain = RegistryRef(registry.account_id, registry.region)
    arn = RepositoryRef(name, plain).arn
    assert parse_reference(arn).repository == RepositoryRef(name, plain)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failures
@given(st.text(max_size=40))
def test_any_text_parses_or_raises_invalid_reference(text: str) -> None:
    message = None
    try:
        ref = parse_reference(text)
    except InvalidReference as exc:
        message = str(exc)
    if message is None:
        assert format(ref) == text.strip()
    else:
        assert message
        assert message.isprintable()  # one line, no raw control characters from the input
