"""POSTing a webhook, guarded against server-side request forgery.

The host is resolved once, every address it resolves to is checked, and the connection goes
to that checked address (the name is only used for ``Host`` and TLS), so a DNS answer that
changes between the check and the connect cannot point the request inside the network.
Redirects are never followed (``http.client`` does not), the whole exchange has one
deadline, and at most ``max_response_bytes`` of the answer are read.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

USER_AGENT = "Workitems-Webhooks/1"


class DeliveryError(Exception):
    """The request did not get an answer (refused, timed out, unsafe address)."""


class UnsafeURLError(DeliveryError):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def check_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of a usable webhook URL; ``UnsafeURLError`` otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURLError("The URL must start with http:// or https://.")
    if not parts.hostname:
        raise UnsafeURLError("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeURLError("The URL must not carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeURLError("The URL's port is not a number from 1 to 65535.") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def resolve(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host to one address that may be called."""
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DeliveryError(f"{host} does not resolve: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise DeliveryError(f"{host} does not resolve.")
    if not allow_private:
        private = [a for a in addresses if not _is_public(a)]
        if private:
            raise UnsafeURLError(
                f"{host} resolves to {private[0]}, a private, loopback or link-local "
                "address; set WORKITEMS_WEBHOOKS_ALLOW_PRIVATE=true to allow it."
            )
    return Target(scheme, host, port, path, addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    max_response_bytes: int,
    allow_private: bool,
) -> Answer:
    """One POST with a total deadline of ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    target = resolve(url, allow_private=allow_private)
    cls = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = cls(target, timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "Connection": "close",
                **headers,
            },
        )
        _left(deadline, connection)
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < max_response_bytes:
            _left(deadline, connection)
            chunk = response.read1(max_response_bytes - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return Answer(response.status, b"".join(chunks))
    except TimeoutError:
        raise DeliveryError(f"no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
    finally:
        connection.close()


def _left(deadline: float, connection: http.client.HTTPConnection) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    if connection.sock is not None:
        connection.sock.settimeout(remaining)
