"""Pseudonymous customer ids: a keyed hash with a secret kept in the data directory.

pseudonym(id) = "u-" + the first 16 hex digits of HMAC-SHA256(secret, id). The secret
(32 random bytes, hex) is created on first use in `<data dir>/.chi-secret`, readable
by its owner only. The same customer gets the same pseudonym in every import into
that directory, and nobody without the secret can test a guess of who it is.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

import polars as pl

SECRET_NAME = ".chi-secret"
PREFIX = "u-"
# an @handle in social text: letters, digits and underscores (Twitter's rule)
MENTION = re.compile(r"@(\w{1,50})")


def load_secret(data_dir: Path) -> bytes:
    path = Path(data_dir) / SECRET_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another import created it just now
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    value = path.read_text(encoding="ascii").strip()
    if len(value) < 32:
        raise ValueError(f"{path}: the pseudonymisation secret is too short or empty")
    return bytes.fromhex(value)


class Pseudonymiser:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._cache: dict[str, str] = {}

    def __call__(self, original: str) -> str:
        done = self._cache.get(original)
        if done is None:
            digest = hmac.new(self._secret, original.encode("utf-8"), hashlib.sha256)
            done = self._cache[original] = PREFIX + digest.hexdigest()[:16]
        return done

    def column(self, values: pl.Series) -> pl.Series:
        """Pseudonyms of a column's values, hashing each distinct value once."""
        uniques = values.drop_nulls().unique()
        mapping = {v: self(v) for v in uniques.to_list()}
        return values.replace_strict(mapping, default=None, return_dtype=pl.String)

    def mentions(self, texts: Iterable[str | None], keep: set[str]) -> list[str | None]:
        """Replace @handles that are not brand handles (`keep`, lowercase) by pseudonyms.

        Handles are keyed lowercase, as Twitter treats them, so @Alice and the author
        `alice` get the same pseudonym.
        """

        def swap(match: re.Match[str]) -> str:
            handle = match.group(1).lower()
            return match.group(0) if handle in keep else "@" + self(handle)

        return [MENTION.sub(swap, t) if t and "@" in t else t for t in texts]
