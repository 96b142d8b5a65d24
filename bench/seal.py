"""What a timestamp and the validation data cost per document.

    .venv/bin/python bench/seal.py [--repeat 7] [--rows 600] [--pki-process]

Starts the local CA and TSA of the tests (``tests/local_pki.py``: certomancer
on a loopback port, the ``test`` extra) and seals two PDFs made by WeasyPrint,
a one-page document (a pakta integritas) and a table of `--rows` rows with a
drawn signature each (the size of a 600-signer deklarasi), in each of:

- B-B: no TSA (the server's clock), as without ``PADES_TSA_URL``;
- B-LT: an RFC 3161 timestamp + chains, CRLs and OCSP in the DSS
  (``PADES_DOCUMENT_TIMESTAMP=false``);
- B-LTA: the same + a document timestamp (the default with a TSA).

For each: the median wall time of ``seal_pdf`` and of ``check_seal`` (which
the build runs once), the bytes the seal adds, the HTTP requests to the CA
and TSA per seal and the time the local CA/TSA itself spent answering them
(certomancer signs in Python; a real TSA costs its network round trips
instead). The first seal of a process, which also learns a token's size
(one more TSA request), is reported apart.

With ``--pki-process`` the CA/TSA runs in a process of its own (port 8891),
and the CPU seconds this process spends per seal (``cpu``) are ours alone,
whatever else the machine is doing: the figure to compare with B-B.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(workdir: Path) -> None:
    os.environ["PADES_DEV_CERT_DIR"] = str(workdir / "dev-certs")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netralitas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_pdfs(rows: int) -> dict[str, bytes]:
    from weasyprint import HTML

    def signature(n: int) -> str:
        # A different pen path per signer, of ~300 points, so none is shared.
        points = " ".join(
            f"{5 + i * 0.6:.1f} {30 + ((i * (n % 7 + 3)) % 40) - 20:.1f}" for i in range(300)
        )
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60" width="40mm">'
            f'<path d="M{points}" fill="none" stroke="#000"/></svg>'
        )

    row = "<tr><td>{n}</td><td>Nama Penanda Tangan {n}</td><td>Jabatan</td><td>{svg}</td></tr>"
    table = "".join(row.format(n=n, svg=signature(n)) for n in range(rows))
    return {
        "1 page": HTML(string="<h1>Pakta integritas</h1>" + "<p>Ikrar.</p>" * 20).write_pdf(),
        f"{rows} rows": HTML(string=f"<h1>Deklarasi</h1><table>{table}</table>").write_pdf(),
    }


def measure(pdf: bytes, pki, repeat: int) -> dict:
    from pledges.rendering import sealing

    seals, checks, cpu = [], [], []
    requests_before, server_before = pki.requests, pki.server_seconds
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        sealed = sealing.seal_pdf(pdf, reason="bench", location="Kota Pasuruan")
        cpu.append(time.process_time() - cpu_started)
        sealed_at = time.perf_counter()
        check = sealing.check_seal(sealed)
        checks.append(time.perf_counter() - sealed_at)
        seals.append(sealed_at - started)
        assert check.valid, check
    return {
        "seal_s": statistics.median(seals),
        "cpu_s": statistics.median(cpu),
        "check_s": statistics.median(checks),
        "added_kb": (len(sealed) - len(pdf)) / 1024,
        "requests": (pki.requests - requests_before) / repeat,
        "server_s": (pki.server_seconds - server_before) / repeat,
        "level": check.level,
    }


class OtherProcessPki:
    """tests/local_pki.py run as `python -m`, so its CPU is not this process's."""

    requests = 0
    server_seconds = 0.0

    def __init__(self, directory: Path, port: int = 8891):
        import subprocess

        self.port = port

        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.local_pki",
                "--port",
                str(self.port),
                "--unit-certificate",
            ]
            + ["--dir", str(directory)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.variables = {}
        for line in self.process.stdout:
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                self.variables[name] = value
            if len(self.variables) == 4:
                break
        self.tsa_url = self.variables["PADES_TSA_URL"]

    def settings(self) -> dict:
        return self.variables

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--pki-process", action="store_true", help="CA/TSA in its own process")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="netralitas-bench-seal-"))
    configure(workdir)
    from django.conf import settings

    from pledges.rendering import sealing
    from tests.local_pki import LocalPki

    pdfs = make_pdfs(args.rows)
    with (
        OtherProcessPki(workdir / "pki") if args.pki_process else LocalPki.start(workdir / "pki")
    ) as pki:
        for name, value in pki.settings().items():
            setattr(settings, name, value)
        settings.PADES_TSA_URL = ""
        sealing.seal_pdf(pdfs["1 page"], reason="warm-up", location="-")
        modes = {"B-B": ("", True), "B-LT": (pki.tsa_url, False), "B-LTA": (pki.tsa_url, True)}
        for mode, (url, archive) in modes.items():
            settings.PADES_TSA_URL, settings.PADES_DOCUMENT_TIMESTAMP = url, archive
            if url and mode == "B-LT":
                first = time.perf_counter()
                sealing.seal_pdf(pdfs["1 page"], reason="first", location="-")
                print(f"first timestamped seal of the process: {time.perf_counter() - first:.3f} s")
            for label, pdf in pdfs.items():
                result = measure(pdf, pki, args.repeat)
                served = (
                    f", {result['requests']:.0f} requests, local CA/TSA {result['server_s']:.3f} s"
                    if not args.pki_process
                    else ""
                )
                print(
                    f"{mode:6} {label:9} ({len(pdf) / 1024:7.0f} KB): seal {result['seal_s']:.3f} s"
                    f" (cpu {result['cpu_s']:.3f} s), check {result['check_s']:.3f} s"
                    f", +{result['added_kb']:.0f} KB{served}  [{result['level']}]"
                )


if __name__ == "__main__":
    main()
