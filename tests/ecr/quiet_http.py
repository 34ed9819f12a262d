"""A local HTTP server for tests whose clients hang up on purpose (timeouts, dropped streams).

socketserver prints a traceback for every such request; here a reset or broken pipe is part of the test.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any


class QuietHTTPServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` that ignores clients going away instead of printing a traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)
