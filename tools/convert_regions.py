"""Convert the idn-area-data npm package into pledges/data/regions.tsv.gz.

The output holds one region per line, ``code<TAB>name``, sorted by code, so
every parent comes before its children. Codes keep the dotted Kemendagri form
("35", "35.75", "35.75.01", "35.75.01.1001"); level and parent follow from
the code, so they are not stored.

To regenerate (the file in the repo was made from idn-area-data 4.0.1):

    mkdir -p /tmp/regions && cd /tmp/regions
    npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
    cd /path/to/repo && python3 tools/convert_regions.py /tmp/regions/package

Then update pledges/data/REGIONS-LICENSE.md if the version or the licence
changed. Only the standard library is used, so no virtualenv is needed.
"""

import argparse
import csv
import gzip
import re
import sys
from pathlib import Path

LEVELS = ("provinces", "regencies", "districts", "villages")
CODE_PATTERNS = {
    "provinces": re.compile(r"\d{2}"),
    "regencies": re.compile(r"\d{2}\.\d{2}"),
    "districts": re.compile(r"\d{2}\.\d{2}\.\d{2}"),
    "villages": re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
}
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "pledges" / "data" / "regions.tsv.gz"

# Only used when a whole file is in capitals (idn-area-data 3.x did that for
# provinces and regencies); 4.x already gives names in their official case.
ROMAN = re.compile(r"X{0,3}(IX|IV|V?I{0,3})")
KEEP_UPPER = {"DKI"}
KEEP_LOWER = {"dan"}
WORD = re.compile(r"[^\s\-/(.]+")


def tidy_caps(name: str) -> str:
    """Turn an ALL CAPS name into display case: "KOTA PASURUAN" -> "Kota Pasuruan"."""

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if word in KEEP_UPPER or ROMAN.fullmatch(word):
            return word
        lower = word.lower()
        if lower in KEEP_LOWER and match.start() > 0:
            return lower
        return lower[0].upper() + lower[1:]

    return WORD.sub(fix, name)


def clean(name: str) -> str:
    name = " ".join(name.split())
    # A handful of source names start with a small letter ("lamuk"), which is
    # a typo rather than official spelling; capitalise only that letter.
    return name[:1].upper() + name[1:]


def read_level(package_dir: Path, level: str) -> dict[str, str]:
    path = package_dir / "data" / f"{level}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(row["code"].strip(), clean(row["name"])) for row in csv.DictReader(f)]
    names = [name for _, name in rows]
    if all(name.isupper() for name in names if any(c.isalpha() for c in name)):
        rows = [(code, tidy_caps(name)) for code, name in rows]
    regions = {}
    for code, name in rows:
        if not CODE_PATTERNS[level].fullmatch(code):
            sys.exit(f"{path}: bad code {code!r}")
        if code in regions:
            sys.exit(f"{path}: duplicate code {code}")
        if not name:
            sys.exit(f"{path}: empty name for {code}")
        regions[code] = name
    return regions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "package_dir", type=Path, help="unpacked npm package (the 'package' folder)"
    )
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    regions: dict[str, str] = {}
    counts = {}
    for level in LEVELS:
        found = read_level(args.package_dir, level)
        counts[level] = len(found)
        regions.update(found)

    # The loader relies on every parent being present.
    for code in regions:
        if "." in code and code.rsplit(".", 1)[0] not in regions:
            sys.exit(f"{code}: parent {code.rsplit('.', 1)[0]} missing")

    # Plain string order puts "35" before "35.75" before "35.75.01".
    lines = "".join(f"{code}\t{regions[code]}\n" for code in sorted(regions))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 (and no file name in the header) keeps the output byte-for-byte
    # identical when the data has not changed.
    args.output.write_bytes(gzip.compress(lines.encode("utf-8"), compresslevel=9, mtime=0))

    for level in LEVELS:
        print(f"{level}: {counts[level]}")
    print(f"total: {len(regions)} -> {args.output} ({args.output.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
