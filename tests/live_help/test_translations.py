"""Flask-Babel merges every catalogue: a text live_help shares with another part must get the
same Dutch there, or one part silently shows the other's words."""

from __future__ import annotations

from babel.messages.pofile import read_po

from tests.conftest import ROOT


def _catalogue(path):
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="nl") if m.id}


def test_live_help_translates_shared_texts_like_the_other_catalogues():
    mine = _catalogue(ROOT / "live_help" / "translations" / "nl" / "LC_MESSAGES" / "messages.po")
    others = [p for p in ROOT.glob("**/translations/nl/LC_MESSAGES/messages.po")
              if "live_help" not in p.parts and ".venv" not in p.parts and "node_modules" not in p.parts]
    clashes = [f"{path.relative_to(ROOT)}: {msgid!r}" for path in others
               for msgid, text in _catalogue(path).items() if msgid in mine and mine[msgid] != text]
    assert clashes == []
