"""Numbers as Indonesian press writes them: "34 (tiga puluh empat)"."""

UNITS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
SCALES = ((1_000_000_000, "miliar"), (1_000_000, "juta"), (1_000, "ribu"), (100, "ratus"))


def spelled(number: int) -> str:
    """In words: 11 "sebelas", 100 "seratus", 1.250 "seribu dua ratus lima puluh"."""
    if number < 0:
        return "minus " + spelled(-number)
    if number < 12:
        return UNITS[number]
    if number < 20:
        return f"{UNITS[number - 10]} belas"
    if number < 100:
        tens, rest = divmod(number, 10)
        return f"{UNITS[tens]} puluh" + (f" {UNITS[rest]}" if rest else "")
    for scale, word in SCALES:
        if number >= scale:
            count, rest = divmod(number, scale)
            # "seratus", "seribu", but "satu juta".
            head = (
                f"se{word}" if count == 1 and scale in (100, 1000) else f"{spelled(count)} {word}"
            )
            return head + (f" {spelled(rest)}" if rest else "")
    raise AssertionError("unreachable")


def with_words(number: int) -> str:
    """The figure followed by its words in brackets: "8 (delapan)"."""
    return f"{number:,}".replace(",", ".") + f" ({spelled(number)})"
