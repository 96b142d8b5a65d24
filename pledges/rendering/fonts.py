"""The fonts every PDF is set in, from the npm packages the project installs.

``@fontsource/tinos`` and ``@fontsource/arimo`` (SIL Open Font License 1.1,
licence files beside them in ``node_modules``) ship each weight as WOFF and
WOFF2 files per script subset, with CSS whose ``unicode-range`` tells which
characters each file has. Their own CSS is read here, with its ``url()``
made absolute, so the documents name only these fonts and look the same
on every machine.
"""

import re
from functools import cache

from django.conf import settings

# (package, weight, subsets): Tinos for the text, Arimo bold for the letterhead.
FACES = (
    ("tinos", 400, ("latin", "latin-ext", "vietnamese")),
    ("tinos", 700, ("latin", "latin-ext", "vietnamese")),
    ("arimo", 700, ("latin", "latin-ext")),
)
RELATIVE_URL = re.compile(r"url\(\./")
FAMILY = re.compile(r"font-family: '[^']*';")
# WeasyPrint converts a WOFF2 file with fontTools on every render (~0.4 s for
# these six); the WOFF beside it, zlib-packed, costs a tenth of that.
WOFF2 = re.compile(r"url\([^)]*\.woff2\) format\('woff2'\),\s*")


def family(package: str, subset: str) -> str:
    # Each subset file is its own family: WeasyPrint would otherwise embed
    # the subsets of one family as one font and draw the wrong glyphs.
    return package.title() if subset == "latin" else f"{package.title()} {subset}"


def font_stack(package: str) -> str:
    """The CSS font-family list that draws every character with the package's subsets."""
    subsets = next(subsets for name, _weight, subsets in FACES if name == package)
    return ", ".join(f'"{family(package, subset)}"' for subset in subsets)


@cache
def font_faces() -> str:
    """The @font-face rules of the bundled fonts, for a PDF's stylesheet."""
    root = settings.NODE_MODULES / "@fontsource"
    rules = []
    for package, weight, subsets in FACES:
        folder = root / package
        for subset in subsets:
            css = (folder / f"{subset}-{weight}.css").read_text(encoding="utf-8")
            css = FAMILY.sub(f"font-family: '{family(package, subset)}';", css)
            css = WOFF2.sub("", css)
            rules.append(RELATIVE_URL.sub(f"url({folder.as_uri()}/", css))
    return "\n".join(rules)


def fonts_context() -> dict:
    """What the PDF templates need: the rules, and the stacks to name in font-family."""
    return {"faces": font_faces(), "serif": font_stack("tinos"), "sans": font_stack("arimo")}
