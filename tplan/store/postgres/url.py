"""Database locations: telling a server URL from a file path, and never showing a password.

Credentials come only from libpq's usual places (``PGPASSWORD``/``PGPASSFILE``, a service file,
``PGUSER``...); a URL that carries a password is refused, since it would sit in the shell's
history, the process list or ``TPLAN_DB``. Every message names the database by
:func:`redact_url`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from tplan.store.errors import StoreError
from tplan.store.opening import is_database_url

__all__ = ["DatabaseURLError", "checked_url", "is_database_url", "redact_url"]


class DatabaseURLError(StoreError):
    """A server URL tplan will not use as it is."""


def _has_password(url: str) -> bool:
    parts = urlsplit(url)
    in_query = any(key == "password" for key, _ in parse_qsl(parts.query))
    return parts.password is not None or in_query


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (safe in messages and logs)."""
    try:
        if not _has_password(url):
            return url
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            user = parts.username or ""
            host = parts.netloc.rpartition("@")[2]
            netloc = f"{user}:***@{host}"
        query = urlencode(
            [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="*/"
        )
    except ValueError:
        return "the database URL (unreadable)"
    # by hand: urlunsplit drops the empty host of postgresql:///db
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.scheme}://{netloc}{parts.path}{'?' + query if query else ''}{fragment}"


def checked_url(url: str) -> str:
    """``url`` if tplan may use it; DatabaseURLError when it carries a password."""
    try:
        password = _has_password(url)
    except ValueError:
        raise DatabaseURLError(f"{redact_url(url)} is not a valid PostgreSQL URL") from None
    if password:
        raise DatabaseURLError(
            f"{redact_url(url)} carries a password: remove it from the URL and keep it in "
            "~/.pgpass (or PGPASSFILE) or a pg_service.conf service instead"
        )
    return url
