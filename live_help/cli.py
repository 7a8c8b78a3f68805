"""`flask live_help ...`: check the help content and load it into the database for search."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.contentfiles import ContentError, ContentErrors

live_help_cli = AppGroup("live_help", help="Help topics for young people: check and load the content files.")


def _checked(folder, min_per_category):
    from live_help.content import CONTENT_DIR, collection_problems, load_help_content

    try:
        content = load_help_content(Path(folder) if folder else CONTENT_DIR)
    except (ContentErrors, ContentError) as error:
        for line in str(error).splitlines():
            click.echo(line, err=True)
        raise click.ClickException("the help content has problems (see above)") from error
    problems = collection_problems(content, min_per_category)
    if problems:
        for line in problems:
            click.echo(line, err=True)
        raise click.ClickException("the help content has problems (see above)")
    return content


@live_help_cli.command("check")
@click.option("--folder", type=click.Path(exists=True, file_okay=False), default=None,
              help="Content folder (default: live_help/content).")
@click.option("--min-per-category", default=6, show_default=True, help="Fewest topics a category may have.")
def check_command(folder, min_per_category) -> None:
    """Check every topic, category and organisation; report each problem as file:line."""
    content = _checked(folder, min_per_category)
    click.echo(f"{len(content.topics)} topics in {len(content.categories)} categories, "
               f"{len(content.organisations)} organisations: no problems.")


@live_help_cli.command("load")
@click.option("--folder", type=click.Path(exists=True, file_okay=False), default=None,
              help="Content folder (default: live_help/content).")
@click.option("--min-per-category", default=6, show_default=True, help="Fewest topics a category may have.")
def load_command(folder, min_per_category) -> None:
    """Check the content, then bring the search index in line with it (safe to run again)."""
    from live_help.schedule import set_default_hours
    from live_help.search import load_index

    content = _checked(folder, min_per_category)
    result = load_index(content)
    click.echo(f"Search index: {result.added} added, {result.changed} changed, {result.removed} removed, "
               f"{result.unchanged} unchanged.")
    if set_default_hours():
        click.echo("Chat opening hours were empty: the default week is set (a coordinator can change it).")
