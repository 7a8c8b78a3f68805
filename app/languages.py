"""Languages counsellors speak and young people may ask for, with levels."""

from flask_babel import lazy_gettext as _l

LANGUAGES = {
    "nl": _l("Dutch"),
    "en": _l("English"),
    "ar": _l("Arabic"),
    "ber": _l("Tamazight (Berber)"),
    "tr": _l("Turkish"),
    "pap": _l("Papiamento"),
    "srn": _l("Sranantongo"),
    "so": _l("Somali"),
    "ti": _l("Tigrinya"),
    "prs": _l("Dari"),
    "fa": _l("Persian"),
    "ku": _l("Kurdish"),
    "pl": _l("Polish"),
    "uk": _l("Ukrainian"),
    "fr": _l("French"),
    "es": _l("Spanish"),
    "hi": _l("Hindi / Sarnami"),
}

LEVELS = {
    "basic": _l("Basic"),
    "conversational": _l("Conversational"),
    "fluent": _l("Fluent"),
    "native": _l("Native"),
}
