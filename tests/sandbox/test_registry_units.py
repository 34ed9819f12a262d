"""The registry face's pure parts: tokens, Accept handling and conversions, the URL space (no server)."""

from __future__ import annotations

import base64
import json

import pytest

from ecrtui.sandbox.registry.auth import authenticate, authorize
from ecrtui.sandbox.registry.context import RegistryAddress, hostname_of
from ecrtui.sandbox.registry.errors import RegistryError
from ecrtui.sandbox.registry.negotiation import accepted_types, negotiate
from ecrtui.sandbox.registry.routes import Endpoint, route
from ecrtui.sandbox.registry.tokens import (
    InvalidToken,
    TokenClaims,
    authorization_token,
    derive_key,
    mint_password,
    read_password,
)

KEY = derive_key(b"k" * 32)
DEV = RegistryAddress("111111111111", "us-east-1")
DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class TestTokens:
    def test_round_trip_and_the_docker_login_form(self) -> None:
        claims = TokenClaims("111111111111", "us-east-1", 2_000_000_000)
        assert read_password(KEY, mint_password(KEY, claims)) == claims
        user, _, password = base64.b64decode(authorization_token(KEY, claims)).decode().partition(":")
        assert user == "AWS"
        assert read_password(KEY, password) == claims

    def test_another_sandbox_start_or_a_changed_payload_is_refused(self) -> None:
        password = mint_password(KEY, TokenClaims("111111111111", "us-east-1", 2_000_000_000))
        with pytest.raises(InvalidToken):
            read_password(derive_key(b"x" * 32), password)
        envelope = json.loads(base64.b64decode(password))
        envelope["payload"] = base64.b64encode(
            b'{"account":"222222222222","region":"us-east-1","expires":1}'
        ).decode()
        with pytest.raises(InvalidToken):
            read_password(KEY, base64.b64encode(json.dumps(envelope).encode()).decode())

    @pytest.mark.parametrize("password", ["", "not base64!", base64.b64encode(b"[1, 2]").decode(), "e30="])
    def test_malformed_passwords_are_invalid_not_errors(self, password: str) -> None:
        with pytest.raises(InvalidToken):
            read_password(KEY, password)


def test_token_lifetime_must_be_positive() -> None:
    from ecrtui.sandbox.options import OptionError, SandboxOptions

    with pytest.raises(OptionError) as excinfo:
        SandboxOptions(token_ttl_seconds=0).validate()
    assert (excinfo.value.flag, excinfo.value.reason) == ("--token-ttl-seconds", "must be at least 1")


class TestAuthentication:
    def password(self, account: str = DEV.account_id, region: str = DEV.region, expires: int = 2_000) -> str:
        return mint_password(KEY, TokenClaims(account, region, expires))

    def status(self, header: str | None, now: float = 1_000) -> int:
        try:
            authenticate(header, DEV, "http://registry/", KEY, now)
        except RegistryError as error:
            return error.status
        return 200

    def test_statuses_as_ecr_answers_them(self) -> None:
        assert self.status(basic("AWS", self.password())) == 200
        assert self.status(None) == 401
        assert self.status("Bearer abc") == 401
        assert self.status(basic("admin", self.password())) == 401
        assert self.status(basic("AWS", self.password(region="eu-west-1"))) == 400
        assert self.status(basic("AWS", self.password()), now=2_001) == 403
        assert self.status(basic("AWS", self.password(account="222222222222"))) == 200  # authorised per call

    def test_another_account_is_denied_each_repository_action(self) -> None:
        claims = TokenClaims("222222222222", DEV.region, 2_000)
        with pytest.raises(RegistryError) as excinfo:
            authorize(claims, DEV, "PutImage", "web/api")
        assert excinfo.value.status == 403
        assert (
            "ecr:PutImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/web/api"
            in excinfo.value.message
        )
        authorize(TokenClaims(DEV.account_id, DEV.region, 2_000), DEV, "PutImage", "web/api")


DOCKER_IMAGE = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": DOCKER_V2,
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "digest": "sha256:" + "c" * 64,
            "size": 9,
        },
        "layers": [
            {
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "digest": "sha256:" + "1" * 64,
                "size": 5,
            },
            {
                "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                "digest": "sha256:" + "2" * 64,
                "size": 7,
                "urls": ["https://example.com/layer"],
            },
        ],
    },
    indent=3,
)


class TestNegotiation:
    @pytest.mark.parametrize(
        ("headers", "expected"),
        [
            ([], None),
            (["*/*"], None),
            (["application/json"], None),
            ([f"{DOCKER_V2};q=0.5, {OCI_MANIFEST}"], {DOCKER_V2, OCI_MANIFEST}),
            ([OCI_MANIFEST, OCI_INDEX], {OCI_MANIFEST, OCI_INDEX}),
            ([f"{OCI_MANIFEST}, */*"], None),
        ],
    )
    def test_accept_headers(self, headers: list[str], expected: set[str] | None) -> None:
        accepted = accepted_types(headers)
        assert (None if accepted is None else set(accepted)) == expected

    def test_docker_to_oci_and_back_keeps_blobs_and_foreign_urls(self) -> None:
        oci = negotiate(DOCKER_IMAGE, DOCKER_V2, frozenset({OCI_MANIFEST}), by_digest=False, reference="v1")
        assert oci.media_type == OCI_MANIFEST
        document = json.loads(oci.body)
        assert [layer["mediaType"] for layer in document["layers"]] == [
            "application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        ]
        assert document["layers"][1]["urls"] == ["https://example.com/layer"]
        back = negotiate(
            oci.body.decode(), OCI_MANIFEST, frozenset({DOCKER_V2}), by_digest=False, reference="v1"
        )
        assert json.loads(back.body) == json.loads(DOCKER_IMAGE)

    def test_by_digest_the_stored_bytes_come_back(self) -> None:
        served = negotiate(
            DOCKER_IMAGE, DOCKER_V2, frozenset({OCI_MANIFEST}), by_digest=True, reference="sha256:x"
        )
        assert (served.body, served.media_type) == (DOCKER_IMAGE.encode(), DOCKER_V2)

    @pytest.mark.parametrize(
        ("document", "stored", "accepted"),
        [
            ({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}, OCI_INDEX, DOCKER_V2),
            (
                {
                    "schemaVersion": 2,
                    "mediaType": OCI_MANIFEST,
                    "artifactType": "application/vnd.example",
                    "config": {
                        "mediaType": "application/vnd.oci.image.config.v1+json",
                        "digest": "sha256:c",
                        "size": 2,
                    },
                    "layers": [],
                },
                OCI_MANIFEST,
                DOCKER_V2,
            ),
            (
                {
                    "schemaVersion": 2,
                    "mediaType": OCI_MANIFEST,
                    "config": {
                        "mediaType": "application/vnd.oci.image.config.v1+json",
                        "digest": "sha256:c",
                        "size": 2,
                    },
                    "layers": [
                        {
                            "mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
                            "digest": "sha256:1",
                            "size": 1,
                        }
                    ],
                },
                OCI_MANIFEST,
                DOCKER_V2,
            ),
            (
                {"schemaVersion": 1, "fsLayers": []},
                "application/vnd.docker.distribution.manifest.v1+prettyjws",
                OCI_MANIFEST,
            ),
        ],
        ids=["index", "artifact", "zstd-layers", "schema1"],
    )
    def test_what_ecr_cannot_convert_is_manifest_unknown(
        self, document: dict[str, object], stored: str, accepted: str
    ) -> None:
        with pytest.raises(RegistryError) as excinfo:
            negotiate(json.dumps(document), stored, frozenset({accepted}), by_digest=False, reference="v1")
        assert (excinfo.value.status, excinfo.value.code) == (404, "MANIFEST_UNKNOWN")


class TestRoutes:
    @pytest.mark.parametrize(
        ("path", "endpoint", "name", "reference"),
        [
            ("/v2/", Endpoint.PING, "", ""),
            ("/v2", Endpoint.PING, "", ""),
            ("/v2/web/api/manifests/v1.4.2", Endpoint.MANIFEST, "web/api", "v1.4.2"),
            ("/v2/a/b/c/manifests/sha256:" + "a" * 64, Endpoint.MANIFEST, "a/b/c", "sha256:" + "a" * 64),
            (
                "/v2/my__repo/x--y/blobs/sha256:" + "b" * 64,
                Endpoint.BLOB,
                "my__repo/x--y",
                "sha256:" + "b" * 64,
            ),
            ("/v2/web/api/blobs/uploads/", Endpoint.UPLOADS, "web/api", ""),
            ("/v2/web/api/blobs/uploads/0f1e-22", Endpoint.UPLOAD, "web/api", "0f1e-22"),
            ("/v2/blobs/blobs/uploads/", Endpoint.UPLOADS, "blobs", ""),
            ("/v2/web/api/tags/list", Endpoint.TAGS, "web/api", ""),
            ("/v2/web/api/referrers/sha256:" + "c" * 64, Endpoint.REFERRERS, "web/api", "sha256:" + "c" * 64),
            ("/v2/_catalog", Endpoint.CATALOG, "", ""),
        ],
    )
    def test_paths(self, path: str, endpoint: Endpoint, name: str, reference: str) -> None:
        target = route(path)
        assert target is not None
        assert (target.endpoint, target.name, target.reference) == (endpoint, name, reference)

    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/v1/",
            "/v2/Web/api/tags/list",
            "/v2/web/api/manifests/",
            "/v2/web/api/blobs/latest",
            "/v2/-a/tags/list",
        ],
    )
    def test_outside_the_api(self, path: str) -> None:
        assert route(path) is None

    @pytest.mark.parametrize(
        ("host", "hostname"),
        [("127.0.0.1:5000", "127.0.0.1"), ("localhost", "localhost"), ("[::1]:5000", "[::1]")],
    )
    def test_hostname_of_a_host_header(self, host: str, hostname: str) -> None:
        assert hostname_of(host) == hostname
