"""TMX dates: read the ISO 8601 forms tools write, write only the recommended `YYYYMMDDThhmmssZ`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

TMX_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

_ISO_RE = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})"  # date, basic or extended
    r"(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"  # optional time, seconds, fraction
    r"(Z|[+-]\d{2}:?\d{2})?$"  # optional zone
)


def parse_tmx_date(raw: str) -> datetime | None:
    """Parse a TMX date in basic or extended ISO 8601 form; None if it is not one.

    A date without a zone is taken as UTC, as the TMX specification asks dates to be.
    """
    m = _ISO_RE.match(raw.strip())
    if not m:
        return None
    year, month, day, hour, minute, second, zone = m.groups()
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset_minutes = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        value -= timedelta(minutes=offset_minutes)
    return value


def format_tmx_date(value: datetime) -> str:
    """Write a date in the TMX recommended form, converted to UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(TMX_DATE_FORMAT)


_RECOMMENDED_RE = re.compile(r"\d{8}T\d{6}Z")


def canonical_tmx_date(raw: str) -> str | None:
    """The recommended form of a raw date string, or None when it cannot be parsed."""
    plausible = "01" <= raw[4:6] <= "12" and "01" <= raw[6:8] <= "28" and raw[9:11] <= "23"
    if _RECOMMENDED_RE.fullmatch(raw) and plausible and raw[11:13] <= "59" and raw[13:15] <= "59":
        return raw  # already canonical (the common case): no need to parse and reformat
    parsed = parse_tmx_date(raw)
    return format_tmx_date(parsed) if parsed is not None else None


def now_tmx_date() -> str:
    """The current time in TMX form."""
    return format_tmx_date(datetime.now(UTC))
