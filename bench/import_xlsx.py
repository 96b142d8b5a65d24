"""Benchmark of reading signatory uploads that claim far more than they hold (issue #13, finding 8).

    .venv/bin/python bench/import_xlsx.py [--baseline REV] [--cases a,b] [--timeout 300]

Builds each file in memory (zipfile and hand-written XML, no <dimension>, so
nothing tells the reader in advance how far the sheet goes), then times
`pledges.services.imports.read_import_file` on it in a fresh subprocess, twice: once
plain for the wall time and the growth of ru_maxrss during the call, once under
tracemalloc for the peak of Python allocations (tracemalloc slows the call, so
that run's time is not shown). With --baseline, the same is done with the
`pledges` package of that git revision (extracted with git archive into a
temporary directory), e.g. `--baseline 22fc63f` for the code before the
streaming reader.

Cases: a million empty rows numbered (as reported) and bare, a million rows of
one empty styled cell, a lone cell at row 1,000,000, one row of a million empty
cells, a million empty shared strings, 200,000 cell styles, two files just
inside the tag bound (990,000 bare rows; 240,000 numbers, each converted), a
CSV with a million empty lines, and the largest real import: 5,000 rows of the
longest names exported by Netralitas itself (openpyxl write-only).
"rss+" is how far ru_maxrss rose during the call above the process's earlier
peak (Django, the file), so 0 means no growth that reached it.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["nama_lengkap", "nip", "jabatan", "kategori", "instansi", "wilayah"]


def inline_row(number, values):
    cells = "".join(
        f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for letter, value in zip("ABCDEF", values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


HEAD = inline_row(1, HEADER) + inline_row(2, ["Dewi Lestari", "", "Camat", "camat", "", ""])


def xlsx(rows_xml: str, shared_strings: str | None = None, styles: str | None = None) -> bytes:
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = [("/xl/workbook.xml", "sheet.main+xml"), ("/xl/worksheets/sheet1.xml", "worksheet+xml")]
    if shared_strings is not None:
        kinds.append(("/xl/sharedStrings.xml", "sharedStrings+xml"))
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + "".join(
                f'<Override PartName="{name}" ContentType="application/'
                f'vnd.openxmlformats-officedocument.spreadsheetml.{kind}"/>'
                for name, kind in kinds
            )
            + "</Types>"
        ),
        "_rels/.rels": f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{office}"><sheets>'
        '<sheet name="Peserta" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
        f'Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{rows_xml}'
        "</sheetData></worksheet>",
    }
    if shared_strings is not None:
        files["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{shared_strings}</sst>'
    if styles is not None:
        files["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def export_5000() -> bytes:
    """5,000 signatories with names, positions and agencies at their longest, as exported."""
    from pledges.rendering.spreadsheets import write_table

    header = [*HEADER, "cara_pendaftaran", "waktu_tanda_tangan", "meja_tanda_tangan"]
    rows = [
        [
            f"{'Nama Panjang Sekali ' * 7}{number:05d}"[:150],
            f"19860411200801{1 + number % 2}{number % 1000:03d}",
            ("Kepala Bidang Penyelenggaraan Pemerintahan " * 5)[:200],
            "kepala_opd",
            ("Dinas Kependudukan dan Pencatatan Sipil Kabupaten " * 4)[:200],
            "35.75.01.1001",
            "impor",
            "2024-11-27 09:15",
            "Meja 12",
        ]
        for number in range(5000)
    ]
    return write_table("peserta", "xlsx", header, rows)[2]


CASES = {
    "million_numbered_rows": lambda: xlsx(
        HEAD + "".join(f'<row r="{n}"/>' for n in range(3, 1_000_001))
    ),
    "million_bare_rows": lambda: xlsx(HEAD + "<row/>" * 1_000_000),
    "million_styled_empty_cells": lambda: xlsx(HEAD + '<row><c s="0"/></row>' * 1_000_000),
    "lone_cell_at_row_1000000": lambda: xlsx(
        HEAD + inline_row(1_000_000, ["Budi", "", "Staf", "camat", "", ""])
    ),
    "one_row_million_cells": lambda: xlsx(HEAD + "<row>" + "<c/>" * 1_000_000 + "</row>"),
    "million_shared_strings": lambda: xlsx(HEAD, shared_strings="<si/>" * 1_000_000),
    "200k_cell_styles": lambda: xlsx(HEAD, styles="<cellXfs>" + "<xf/>" * 200_000 + "</cellXfs>"),
    # Just inside the tag bound: the most work a file can ask of the reader.
    "bound_990k_bare_rows": lambda: xlsx(HEAD + "<row/>" * 990_000),
    "bound_240k_numbers": lambda: xlsx(
        HEAD + ("<row>" + "<c><v>7</v></c>" * 16_000 + "</row>") * 15
    ),
    "csv_million_empty_lines": lambda: (
        ";".join(HEADER).encode() + b"\n" * 1_000_001 + b"Budi;;Staf;camat;;\n"
    ),
    "export_5000_longest": export_5000,
}


def child(code_root: str, path: str, traced: bool) -> None:
    """Run in the subprocess: import `pledges` from code_root and read the file once."""
    sys.path.insert(0, code_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netralitas.settings")
    import django

    django.setup()
    import tracemalloc

    import openpyxl.reader.excel  # noqa: F401 - imported before timing, by both versions
    import openpyxl.utils.datetime  # noqa: F401

    from pledges.errors import PledgeError

    try:
        from pledges.services.imports import read_import_file
    except ImportError:  # a baseline from before the layers (pledges/imports.py)
        from pledges.imports import read_import_file

    data = Path(path).read_bytes()
    name = "peserta.csv" if path.endswith(".csv") else "peserta.xlsx"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        result = f"{len(read_import_file(name, data))} rows"
    except PledgeError as error:
        result = error.code
    except Exception as error:  # noqa: BLE001 - the old code's crashes are a result here
        result = f"crash {type(error).__name__}"
    wall = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"result": str(result), "wall": wall, "peak": peak, "rss": (after - before) * 1024}
        )
    )


def measure(code_root: Path, path: Path, timeout: float) -> dict:
    figures = {}
    for traced in (False, True):
        command = [sys.executable, __file__, "--child", str(code_root), str(path)]
        if traced:
            command.append("--traced")
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path.parent / 'bench.sqlite3'}"}
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, env=env, check=True
            )
        except subprocess.TimeoutExpired:
            figures.setdefault("result", f"timeout {timeout:.0f}s")
            figures.setdefault("wall", None)
            figures["peak" if traced else "rss"] = None
            continue
        except subprocess.CalledProcessError as error:
            sys.exit(f"{path.name}: {error.stderr}")
        out = json.loads(done.stdout.strip().splitlines()[-1])
        if traced:
            figures["peak"] = out["peak"]
        else:
            figures.update(result=out["result"], wall=out["wall"], rss=out["rss"])
    return figures


def baseline_tree(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "pledges", "netralitas"],
        capture_output=True,
        check=True,
    ).stdout
    target = into / f"code-{revision}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", help="git revision to measure beside the working tree")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per subprocess")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, traced=args.traced)
        return

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netralitas.settings")
    work = Path(tempfile.mkdtemp(prefix="netralitas-import-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    import django

    django.setup()
    versions = {"ours": ROOT}
    if args.baseline:
        versions[args.baseline] = baseline_tree(args.baseline, work)
    names = args.cases.split(",") if args.cases else list(CASES)

    def mb(value):
        return "-" if value is None else f"{value / 1024 / 1024:.1f}"

    print(
        f"{'case':28} {'upload':>8} {'code':>8} {'result':>22} {'wall s':>7} {'peak MB':>8} "
        f"{'rss+ MB':>8}"
    )
    for name in names:
        data = CASES[name]()
        path = work / (name + (".csv" if name.startswith("csv") else ".xlsx"))
        path.write_bytes(data)
        for version, code_root in versions.items():
            figures = measure(code_root, path, args.timeout)
            wall = "-" if figures["wall"] is None else f"{figures['wall']:.2f}"
            print(
                f"{name:28} {len(data) / 1024:7.0f}K {version:>8} {figures['result']:>22} "
                f"{wall:>7} {mb(figures['peak']):>8} {mb(figures['rss']):>8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
