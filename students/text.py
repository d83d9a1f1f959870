"""Text helpers for the apps above students (file names of exports and forms, numbers posted by buttons)."""

from django.utils.text import slugify

# Letters that Unicode does not decompose into a plain letter with a mark, so slugify would drop them
# (Michał → "micha"): written as the letters a Dutch reader would use.
_PLAIN = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def file_slug(text: str) -> str:
    """``text`` as part of a file name: lower case, plain letters, digits and hyphens (Michał Øster → michal-oster)."""
    return slugify(str(text).translate(_PLAIN))


def posted_number(text: object) -> int | None:
    """A whole number a button or a hidden field posts (an id, a row's index, a count): ASCII digits only, so "²" or
    "٣" (which str.isdigit accepts) is no number here, as anything else that is not; None for those."""
    text = str(text or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
