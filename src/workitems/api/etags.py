"""ETags are the task's version, quoted: ``"7"``. ``If-Match`` must carry the current one."""

from workitems.errors import PreconditionRequiredError, StaleVersionError


def format_etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None, *, what: str = "this resource") -> int:
    """The version an edit was based on; a missing header is 428, not a silent overwrite."""
    if header is None or not header.strip():
        raise PreconditionRequiredError(
            f"Editing {what} needs an If-Match header with the ETag from your last GET, "
            "so concurrent edits are not lost."
        )
    value = header.strip()
    if value == "*":
        raise PreconditionRequiredError(
            "If-Match: * would overwrite concurrent edits; send the ETag from your last GET."
        )
    value = value.removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise StaleVersionError(
            f"If-Match {header!r} is not an ETag this server issued.", current_version=-1
        )
    return int(value)
