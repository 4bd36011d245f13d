"""Where an outgoing webhook may be sent: a public https address, never the server itself.

The server POSTs to whatever URL a key registered, so a URL naming the
loopback, the private network or the cloud's metadata address (169.254.169.254)
would let any write key make this server call inside the network. A URL is
checked when registered (a literal address, ``localhost``, or a name that
resolves to such an address now) and again at each delivery, because a name's
DNS answer can change after registration: the delivery then connects to the
address it checked (``pin``), so a second lookup cannot swap it.

Only https: the body is signed but not secret, and an integrator's order
data should not cross the internet in clear text. A test receiver on the same
machine needs both http and a private address: ``wms serve api
--allow-private-webhooks`` (or ``WMS_WEBHOOKS_ALLOW_PRIVATE=1``) turns the
whole check off.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from wms_tui.domain.errors import BadInput

Resolver = Callable[[str, int], list[str]]
MAX_URL = 500


class NotResolved(BadInput):
    """The name resolves to nothing now: a DNS answer that may yet come, so a delivery
    is tried again. Every other refusal here is the address policy's, and final."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` has now; [] when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is the loopback
    # is_global leaves out loopback, private, link-local, shared (100.64/10),
    # unspecified and reserved ranges; multicast is no receiver either.
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        pass
    try:
        # The C library also reads "2130706433", "0x7f.1" and "127.1" as 127.0.0.1.
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def check_url(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> str:
    """The URL as it will be used; refuses (``BadInput``, naming ``url``) one that is
    not https or points at this server or its network. A name that does not resolve
    yet passes: the delivery checks it again and retries until it does."""
    url = url.strip()
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if parts.scheme not in ("https", "http") or not host or len(url) > MAX_URL:
        raise BadInput(f"url: must be an https URL of at most {MAX_URL} characters")
    if allow_private:
        return url
    if parts.scheme != "https":
        raise BadInput("url: must be https (http only for a test receiver: see docs/api.md)")
    if host == "localhost" or host.endswith(".localhost"):
        raise BadInput("url: must not point at this server (localhost)")
    addresses = [a] if (a := _literal(host)) else resolver(host, port or 443)
    if inner := [a for a in addresses if not _public(a)]:
        raise BadInput(f"url: {host[:60]} is a private or local address ({inner[0]})")
    return url


@dataclass(frozen=True)
class Pinned:
    """A request to the address that was checked, for the name that was registered."""

    url: str  # the checked address in place of the name
    host: str  # the Host header: the name the receiver serves
    sni: str  # the name TLS asks for and the certificate is checked against


def pin(url: str, *, resolver: Resolver = resolve) -> Pinned:
    """Check ``url`` as at registration and say where to connect; ``BadInput`` when it
    now resolves to a private address, or to nothing."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    # One lookup, both checked and used: a second one could answer otherwise.
    addresses = [] if _literal(host) else resolver(host, 443)
    check_url(url, allow_private=False, resolver=lambda _h, _p: addresses)
    if _literal(host):
        return Pinned(url.strip(), parts.netloc.rsplit("@", 1)[-1], host)
    if not addresses:
        raise NotResolved(f"url: {host[:60]} does not resolve")
    address = addresses[0]
    shown = f"[{address}]" if ":" in address else address
    netloc = shown + (f":{parts.port}" if parts.port else "")
    return Pinned(
        urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")),
        parts.netloc.rsplit("@", 1)[-1],
        host,
    )
