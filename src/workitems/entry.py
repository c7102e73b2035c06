"""The ``workitems`` executable: ``extract`` runs without loading the rest of the CLI."""

import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "extract":
        from workitems.extract_command import app as extract_app

        extract_app(args=sys.argv[2:], prog_name="workitems extract")
        return
    from workitems.cli import app

    app()
