"""Spot personal data in a forum post, so that a moderator sees why it was held (Flask-free).

Phone numbers, e-mail addresses, street addresses and postcodes, and full names. It errs on
the side of holding: a moderator reads every post before it appears anyway.
"""

from __future__ import annotations

import re

PHONE = re.compile(r"(?<![\w+])(?:\+|00)?(?:[\s().-]*\d){9,13}(?!\w)")
EMAIL = re.compile(r"[\w.+-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.IGNORECASE)
POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!sa|sd|ss)[a-zA-Z]{2}\b")
STREET = re.compile(
    r"\b[\w'-]*(?:straat|weg|laan|plein|gracht|singel|kade|dijk|hof|park|dreef|steeg|pad|"
    r"street|road|avenue|lane)\s+\d{1,4}\s?[a-zA-Z]?\b",
    re.IGNORECASE,
)
NAME_INTRO = re.compile(
    r"\b(?:ik\s+heet|mijn\s+naam\s+is|mn\s+naam\s+is|my\s+name\s+is|i\s+am\s+called|ik\s+ben)\s+"
    r"([A-Z][a-zà-ÿ]+(?:\s+(?:van|de|der|den|el|al|ten|ter|bin|ben)){0,2}\s+[A-Z][a-zà-ÿ]+)"
)
# Two capitalised words in the middle of a sentence, the second optionally after a prefix
# ("Sara de Vries", "Mohammed El Amrani").
FULL_NAME = re.compile(
    r"(?<=[a-z,;:]\s)([A-Z][a-zà-ÿ]{1,20}(?:\s+(?:van|de|der|den|el|al|ten|ter|bin|ben|van de|van der)){0,1}"
    r"\s+[A-Z][a-zà-ÿ]{2,20})\b"
)
# Names of places and organisations that look like full names but are not personal data.
NOT_NAMES = {
    "veilig thuis", "de kindertelefoon", "juridisch loket", "den haag", "den bosch", "sense info",
    "hulpmix chat", "hulpmix mail",
}

REASONS = ("phone", "email", "address", "full_name")


def personal_data(text: str) -> list[str]:
    """The kinds of personal data found in `text`, in a fixed order (empty when none)."""
    found = set()
    text = text or ""
    for match in PHONE.finditer(text):
        if len(re.sub(r"\D", "", match.group(0))) >= 9:
            found.add("phone")
    if EMAIL.search(text):
        found.add("email")
    if POSTCODE.search(text) or STREET.search(text):
        found.add("address")
    if NAME_INTRO.search(text):
        found.add("full_name")
    for match in FULL_NAME.finditer(text):
        if match.group(1).lower() not in NOT_NAMES:
            found.add("full_name")
    return [reason for reason in REASONS if reason in found]
