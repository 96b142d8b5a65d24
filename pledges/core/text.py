"""Text people type, made one thing whichever door it comes through.

A name typed on a Mac or pasted from a PDF often arrives decomposed ("e" +
combining acute, NFD) where a tablet sends "é" (NFC): the same name to the
eye, two names to the database, its unique checks and its search. Every door
(staff forms, the kiosk, the import, the admin, the domain functions) passes
what a person typed through `clean_text`: Unicode NFC, one space between
words, and a refusal, never a silent removal, of characters that change how
text reads without being seen (controls, zero-width and other invisible
characters, bidirectional overrides that can show "Budi" for a stored
"iduB"). Names on an Indonesian official list are written in Latin script,
so none of those characters is needed to write one.
"""

import unicodedata

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError

FORM = "NFC"

# Tab and line breaks are where a paste from a spreadsheet cell or a document
# breaks a line: visible as a gap, so they become the space they look like.
# Every other control character is refused.
BREAKS = "\t\n\r"

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): what a
# renderer draws as nothing. Most are format characters (Cf); the Hangul
# fillers are letters, the variation selectors and the grapheme joiner marks,
# all invisible all the same.
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def problem_of(char: str) -> str | None:
    """What is wrong with `char` in a name, in Indonesian, or None if it may stay."""
    if char in BREAKS:
        return None
    if char in BIDI_CONTROLS:
        return _("karakter pengatur arah teks yang tak terlihat (dapat membalik urutan huruf)")
    category = unicodedata.category(char)
    if category == "Cc":
        return _("karakter kendali")
    code = ord(char)
    # Every Cf is either listed as ignorable or, like the Arabic number signs
    # and the interlinear annotations, changes how the text around it is drawn.
    if category == "Cf" or any(low <= code <= high for low, high in INVISIBLE_RANGES):
        return _("karakter tak terlihat")
    if category in ("Cs", "Co", "Cn"):
        # Half a surrogate pair, a private-use or an unassigned code point: no
        # font draws it the same way twice, and nothing can say what it means.
        return _("karakter yang tidak dikenal")
    return None


def describe(char: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: a character named so a person can look it up."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def check_text(value: str, label: str) -> None:
    """Raise PledgeError "text_invalid" naming the first character `problem_of` refuses."""
    for position, char in enumerate(value, start=1):
        problem = problem_of(char)
        if problem:
            raise PledgeError(
                _(
                    "%(field)s berisi %(problem)s (%(char)s) pada huruf ke-%(position)d. "
                    "Hapus isian ini dan ketik ulang tanpa menyalin-tempel dari tempat lain."
                )
                % {
                    "field": _capitalized(label),
                    "problem": problem,
                    "char": describe(char),
                    "position": position,
                },
                code=Code.TEXT_INVALID,
            )


def normalize_text(value) -> str:
    """`value` in NFC with every run of spaces (of any kind) and line breaks as one space."""
    text = unicodedata.normalize(FORM, "" if value is None else str(value))
    return " ".join(text.split())


def clean_text(value, label: str, max_length: int | None = None) -> str:
    """What a person typed for the field `label`, as it is stored.

    NFC, trimmed, one space between words. Raises PledgeError "text_invalid"
    for a control, invisible, bidirectional or unknown character, naming it:
    such a character is refused, never dropped, so what is stored is what
    the person can see they typed. Raises "field_too_long" when the stored
    text is longer than `max_length` (NFC may lengthen a few characters).
    """
    text = "" if value is None else str(value)
    # Checked before the spaces are joined: str.split() also splits on a few
    # control characters (U+001C to U+001F, U+0085) and would hide them.
    check_text(text, label)
    text = normalize_text(text)
    if max_length is not None and len(text) > max_length:
        raise PledgeError(
            _("%(field)s paling panjang %(max)d karakter.")
            % {"field": _capitalized(label), "max": max_length},
            code=Code.FIELD_TOO_LONG,
        )
    return text


def _capitalized(label) -> str:
    label = str(label)
    return label[:1].upper() + label[1:]


def spellings(query: str) -> list[str]:
    """The ways a search for `query` may be stored: NFC, and NFD for rows saved before NFC."""
    composed = normalize_text(query)
    decomposed = unicodedata.normalize("NFD", composed)
    return [composed] if decomposed == composed else [composed, decomposed]


def search_key(value) -> str:
    """`value` as staff searches compare it: no case, no diacritics, one space between words.

    "Dr. RENÉ  Siti" and "dr. rene siti" give the same key, whichever way
    (NFC or NFD) the accents were typed: decomposed, stripped of combining
    marks, casefolded.
    """
    text = unicodedata.normalize("NFKD", normalize_text(value))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())
