"""``workitems extract``: the offline extractor on one file, with no database.

Its own module, so that the ``workitems`` entry point (:mod:`workitems.entry`) can run it
without importing the rest of the CLI (SQLAlchemy, the services): a long transcript is
extracted within seconds, start-up included. :mod:`workitems.cli` registers the same
command, so ``workitems --help`` lists it with the others.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from workitems.errors import ValidationError, WorkitemsError
from workitems.transcript.extract import (
    ParticipantInfo,
    extract_items,
    item_to_json,
    participants_from,
)
from workitems.transcript.formats import TranscriptFormat, parse_transcript
from workitems.transcript.participants import parse_participants

#: The options a transcript file takes, shared with ``workitems transcripts add``.
TranscriptFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
FormatOption = Annotated[
    TranscriptFormat, typer.Option("--format", help="auto, text, vtt, srt or json.")
]
MeetingDateOption = Annotated[
    datetime | None,
    typer.Option("--meeting-date", formats=["%Y-%m-%d"], help="Resolve due dates from it."),
]
ParticipantsOption = Annotated[
    Path | None,
    typer.Option(
        "--participants",
        exists=True,
        dir_okay=False,
        help="JSON list of {name, role?, email?, aliases?}, or lines of "
        "`Name (role) <email> | alias, alias`.",
    ),
]


def extract(
    file: TranscriptFile,
    fmt: FormatOption = TranscriptFormat.auto,
    meeting_date: MeetingDateOption = None,
    participants: ParticipantsOption = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add a trace: the cues, flags and features.")
    ] = False,
) -> None:
    """Print the action items found in a transcript as JSON; touches no database.

    Example: `workitems extract standup.vtt --meeting-date 2026-11-23 --participants team.json`
    """
    try:
        _, utterances = parse_transcript(file.read_text(encoding="utf-8-sig"), fmt)
        people = _participants(participants) if participants else []
    except WorkitemsError as error:
        _fail(error.detail)
    except UnicodeDecodeError:
        _fail(f"{file} is not UTF-8 text")
    items = extract_items(
        utterances,
        meeting_date=meeting_date.date() if meeting_date else None,
        participants=people,
        explain=explain,
    )
    typer.echo(json.dumps({"candidates": [item_to_json(item) for item in items]}, indent=2))


def _fail(detail: str) -> None:
    typer.secho(f"error: {detail}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def read_participants(path: Path) -> list[dict[str, Any]]:
    """A participants file: JSON, or the web's lines (``Name (role) <email> | alias``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text.", field="participants") from None
    return parse_participants(text, source=str(path))


def _participants(path: Path) -> list[ParticipantInfo]:
    return participants_from(read_participants(path))


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.command()(extract)
