"""`flask simulations ...`: check the scenario files and measure the detectors."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.contentfiles import ContentErrors

group = AppGroup("simulations", help="Scenario files and the scripted youth's detectors.")


@group.command("check")
def check_command() -> None:
    """Validate every scenario file (scripts included); print file:line for each problem."""
    from simulations.scenarios import load_all

    try:
        found = load_all()
    except ContentErrors as errors:
        for error in errors.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1) from None
    scripted = sum(1 for s in found.values() if s.is_scripted)
    click.echo(f"{len(found)} scenarios, {scripted} with a script: all valid.")


@group.command("measure")
def measure_command() -> None:
    """Precision and recall of each detector on simulations/detectors/labelled.yml."""
    from pathlib import Path

    import yaml

    from simulations.detectors import measure

    labelled = yaml.safe_load((Path(__file__).parent / "detectors" / "labelled.yml").read_text(encoding="utf-8"))
    click.echo(f"{'detector':18} precision  recall  support")
    for name, row in measure(labelled).items():
        click.echo(f"{name:18} {row['precision']:9.2f} {row['recall']:7.2f} {row['support']:8d}")
