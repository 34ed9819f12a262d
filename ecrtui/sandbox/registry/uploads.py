"""``/v2/NAME/blobs/uploads/``: blob uploads (monolithic, chunked, streamed) and cross-repository mounts.

The bytes go where the ECR API's layer uploads go: a spill file hashed as it grows, then the one blob store, and
the digest into ``repository.layers``. So a blob pushed here is available to ``BatchCheckLayerAvailability``,
``GetDownloadUrlForLayer`` and ``PutImage``, and the other way round. Unlike ``CompleteLayerUpload``, finishing an
upload of a blob the repository already holds succeeds (clients re-push layers freely), and chunks have no
minimum size. An empty upload is refused, as ``CompleteLayerUpload`` refuses it. Bodies are read in bounded
chunks, never whole.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from werkzeug.wrappers import Response

from ecrtui.sandbox.blobstore import UploadBuffer
from ecrtui.sandbox.registry import account_settings
from ecrtui.sandbox.registry.context import Call, RegistryAddress
from ecrtui.sandbox.registry.errors import RegistryError, digest_invalid, upload_unknown
from ecrtui.sandbox.runtime import current

READ_CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^sha256:[a-f0-9]{64}$")
_CONTENT_RANGE = re.compile(r"^(?:bytes )?(\d+)-(\d+)(?:/\d+|/\*)?$")


@dataclass
class UploadSession:
    """One upload in progress: where it goes and the bytes so far."""

    registry: RegistryAddress
    name: str
    buffer: UploadBuffer
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while a request appends or finishes, so two requests never interleave bytes."""
    closed: bool = False
    """Finished or cancelled: a request that waited for the lock must not touch the bytes."""


class UploadSessions:
    """Every registry's uploads in progress, by id (ids are random, so one map serves all registries)."""

    def __init__(self) -> None:
        self._sessions: dict[str, UploadSession] = {}
        self._lock = threading.Lock()

    def create(self, registry: RegistryAddress, name: str) -> tuple[str, UploadSession]:
        upload_id = str(uuid.uuid4())
        session = UploadSession(registry, name, current().blobs.new_upload())
        with self._lock:
            self._sessions[upload_id] = session
        return upload_id, session

    @contextmanager
    def held(self, call: Call) -> Iterator[UploadSession]:
        """The session a path names, locked; ``BLOB_UPLOAD_UNKNOWN`` when it is not an open upload of this
        repository in this registry."""
        with self._lock:
            session = self._sessions.get(call.reference)
        if session is None or session.registry != call.registry or session.name != call.name:
            raise upload_unknown(call.reference)
        with session.lock:
            if session.closed:
                raise upload_unknown(call.reference)
            yield session

    def close_session(self, upload_id: str, session: UploadSession, *, discard: bool) -> None:
        """End a session (its lock held): forget it, and delete its bytes unless they were adopted."""
        session.closed = True
        with self._lock:
            self._sessions.pop(upload_id, None)
        if discard:
            session.buffer.discard()

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.buffer.discard()


def _progress_headers(call: Call, upload_id: str, size: int) -> dict[str, str]:
    return {
        "Location": f"/v2/{call.name}/blobs/uploads/{upload_id}",
        "Range": f"0-{max(size - 1, 0)}",
        "Docker-Upload-UUID": upload_id,
    }


def _append_body(stream: IO[bytes], buffer: UploadBuffer) -> None:
    while chunk := stream.read(READ_CHUNK):
        buffer.append(chunk)


def _requested_digest(call: Call) -> str:
    digest = call.request.args.get("digest", "")
    if not _SHA256.match(digest):
        raise digest_invalid(
            f"Digest {digest!r} is missing or not a sha256 digest (the only algorithm ECR supports)", digest
        )
    return digest


def _finish(call: Call, buffer: UploadBuffer, digest: str) -> Response:
    """Check the bytes against ``digest`` and store them in the repository (``buffer`` is consumed)."""
    if buffer.size == 0:
        buffer.discard()
        raise RegistryError(
            400, "BLOB_UPLOAD_INVALID", "The upload contains no bytes (ECR refuses empty layers)"
        )
    if buffer.digest != digest:
        buffer.discard()
        raise digest_invalid(f"The digest of the uploaded bytes is {buffer.digest}, not {digest}", digest)
    runtime = current()
    size = buffer.size
    runtime.blobs.adopt_upload(buffer)
    with runtime.lock:
        call.repository().layers[digest] = size
    return Response(
        b"", 201, {"Location": f"/v2/{call.name}/blobs/{digest}", "Docker-Content-Digest": digest}
    )


class Uploads:
    """The upload endpoints of one sandbox (all its registries share the sessions)."""

    def __init__(self, sessions: UploadSessions) -> None:
        self.sessions = sessions

    def start(self, call: Call) -> Response:
        """``POST``: mount (``?mount=&from=``), a monolithic upload (``?digest=``), or a new session."""
        args = call.request.args
        mount, source = args.get("mount"), args.get("from")
        if mount and source:
            mounted = self._mount(call, mount, source)
            if mounted is not None:
                return mounted
        with current().lock:
            call.repository()
        if "digest" in args:
            digest = _requested_digest(call)
            buffer = current().blobs.new_upload()
            try:
                _append_body(call.request.stream, buffer)
            except BaseException:
                buffer.discard()
                raise
            return _finish(call, buffer, digest)
        upload_id, _ = self.sessions.create(call.registry, call.name)
        return Response(b"", 202, _progress_headers(call, upload_id, 0))

    def _mount(self, call: Call, digest: str, source_name: str) -> Response | None:
        """Make ``source_name``'s blob present here when the registry allows mounting; None to upload instead."""
        runtime = current()
        with runtime.lock:
            target = call.repository()
            backend = call.backend()
            if account_settings.setting(backend, account_settings.BLOB_MOUNTING) != "ENABLED":
                return None
            source = backend.repositories.get(source_name)
            if source is None or digest not in source.layers or runtime.blobs.size(digest) is None:
                return None
            if source.encryption_configuration != target.encryption_configuration:
                return None  # ECR mounts only between repositories with the same encryption type and key
            target.layers[digest] = source.layers[digest]
        return Response(
            b"", 201, {"Location": f"/v2/{call.name}/blobs/{digest}", "Docker-Content-Digest": digest}
        )

    def status(self, call: Call) -> Response:
        """``GET``: how many bytes the session holds."""
        with self.sessions.held(call) as session:
            return Response(b"", 204, _progress_headers(call, call.reference, session.buffer.size))

    def append(self, call: Call) -> Response:
        """``PATCH``: add a chunk (with ``Content-Range``) or stream the rest of the blob (without)."""
        with self.sessions.held(call) as session:
            size = session.buffer.size
            content_range = call.request.headers.get("Content-Range")
            if content_range:
                match = _CONTENT_RANGE.match(content_range.strip())
                length = call.request.content_length
                if not match or int(match.group(1)) != size or int(match.group(2)) < int(match.group(1)):
                    raise RegistryError(
                        416,
                        "BLOB_UPLOAD_INVALID",
                        f"The chunk must start at byte {size} (got Content-Range {content_range!r})",
                        headers=_progress_headers(call, call.reference, size),
                    )
                if length is not None and length != int(match.group(2)) - int(match.group(1)) + 1:
                    raise RegistryError(
                        400, "SIZE_INVALID", f"Content-Length {length} does not match {content_range!r}"
                    )
            _append_body(call.request.stream, session.buffer)
            return Response(b"", 202, _progress_headers(call, call.reference, session.buffer.size))

    def complete(self, call: Call) -> Response:
        """``PUT ?digest=``: add the last bytes, if any, check the digest and store the blob."""
        with self.sessions.held(call) as session:
            digest = _requested_digest(call)
            _append_body(call.request.stream, session.buffer)
            self.sessions.close_session(call.reference, session, discard=False)
            return _finish(call, session.buffer, digest)

    def cancel(self, call: Call) -> Response:
        """``DELETE``: drop the session and its bytes."""
        with self.sessions.held(call) as session:
            self.sessions.close_session(call.reference, session, discard=True)
        return Response(b"", 204)
