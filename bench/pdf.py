"""Benchmark of the PDF pipeline: one pakta integritas and a deklarasi of 600 signers.

    .venv/bin/python bench/pdf.py [--signers 600] [--repeat 3] [--no-tsa]

Builds its own temporary SQLite database (or uses DATABASE_URL), media
directory and development certificate, fills an event with signers whose
signatures are plausible pen strokes as the kiosk sends them, validated and
drawn by the product's own ``pledges.rendering.strokes`` (as ``record_signature`` does),
then measures each case in a fresh subprocess so peak memory (ru_maxrss)
belongs to that case alone:

- ours: facts + Django template + WeasyPrint + the signatures' ink (render),
  then the PAdES seal and its check, as ``build_document`` does them;
- raw: WeasyPrint alone on the very same HTML, with its own user-agent sheet
  (ours scopes its pseudo-elements, pledges.rendering.pdfpages).

The seal is the production one: B-LTA (an RFC 3161 timestamp and the
validation data, LTV) with the local CA and TSA of the tests
(``tests/local_pki.py``) in a process of their own, so the CPU figures are
this process's alone; ``--no-tsa`` seals B-B with the development certificate.

Signatures are realistic (issue #16): 4-6 strokes, about 1,000 points each
signature, as signature_pad records them on a 10-inch tablet. Each is
stored with its drawing for the lists, made when it is recorded (the bench
prints what that costs a signature); ``--undrawn`` stores them without it,
as before drawings were kept, so every document draws them. The raw case
runs under the same collector thresholds as our renderer. Both run in the
environment of the worker's systemd unit (``docs/deploy``), which builds the
documents (``--no-worker-env``: without it).

Goals (issue #16): individual < 0.5 s; 600 signers < 5 s, 2,000 signers
< 15 s and < 500 MB peak, timestamp and LTV included, cost linear in signers
(run it with ``--signers 2000 --repeat 2`` and compare the per-signer figure).
"""

import argparse
import contextlib
import json
import math
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def configure(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["PADES_DEV_CERT_DIR"] = str(workdir / "dev-certs")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netralitas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# The kiosk's pad: a 5:2 canvas filling a 10-inch tablet held in landscape.
PAD_WIDTH, PAD_HEIGHT = 760, 304
# signature_pad's defaults, which the kiosk keeps: it samples the pen at most
# every 16 ms and records no point within 5 px of the previous one.
SAMPLE_MS, MIN_DISTANCE = 16, 5
# A realistic signature as signature_pad records it on a 10-inch tablet: a
# name written out in several strokes, about 1,000 points in all (issue #16).
STROKES, POINTS = (4, 6), 1000


def signature_strokes(rng: random.Random) -> list[list[list]]:
    """A cursive signature as the kiosk sends it: 4-6 loopy strokes, ~1,000 points.

    Each stroke is a pen moving right while circling (a looped cycloid) with
    a pressure that swells and fades, sampled and thinned the way
    signature_pad does, rounded as the kiosk rounds.
    """
    strokes, clock = [], 0.0
    count = rng.randint(*STROKES)
    x0, baseline = rng.uniform(20, 50), rng.uniform(130, 180)
    advance = (PAD_WIDTH - 100) / count
    for share in _split(POINTS, count, rng):
        target = round(share)
        frequency = rng.uniform(2.5, 4)
        loop_x, loop_y = rng.uniform(12, 22), rng.uniform(26, 50)
        phase, tilt = rng.uniform(0, math.tau), rng.uniform(-0.15, 0.15)
        # The hand moves on by about one stroke's share of the pad.
        duration = target * (SAMPLE_MS + 1.5) / 1000
        speed = advance * rng.uniform(0.6, 0.8) / duration
        points, elapsed = [], 0.0
        while len(points) < target:
            angle = math.tau * frequency * elapsed + phase
            swell = 1 + 0.3 * math.sin(angle / 3.7)
            x = x0 + speed * elapsed + loop_x * swell * math.cos(angle)
            y = baseline - tilt * speed * elapsed + loop_y * swell * math.sin(angle)
            x, y = x + rng.gauss(0, 0.4), y + rng.gauss(0, 0.4)
            last = points[-1] if points else None
            if last is None or math.hypot(x - last[0], y - last[1]) > MIN_DISTANCE:
                pressure = 0.45 + 0.3 * math.sin(math.pi * min(1, elapsed / duration))
                points.append(
                    [
                        round(x, 2),
                        round(y, 2),
                        round((clock + elapsed) * 1000),
                        round(pressure + rng.uniform(-0.05, 0.05), 3),
                    ]
                )
            elapsed += (SAMPLE_MS + rng.uniform(0, 3)) / 1000
        strokes.append(points)
        x0 = points[-1][0] + rng.uniform(5, 15)
        clock += elapsed + rng.uniform(0.08, 0.25)
    return strokes


def _split(total: float, parts: int, rng: random.Random) -> list[float]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    return [total * weight / sum(weights) for weight in weights]


def setup(signers: int, drawn: bool = True) -> dict:
    from django.core.management import call_command

    from pledges.models import (
        BawasluUnit,
        Event,
        PledgeTemplate,
        Region,
        Signatory,
        Signature,
    )
    from pledges.rendering.ink import stored_ink
    from pledges.rendering.strokes import validate_strokes
    from pledges.services.events import open_event

    call_command("migrate", verbosity=0)
    for code, name, level, parent in [
        ("35", "Jawa Timur", "province", None),
        ("35.75", "Kota Pasuruan", "regency", "35"),
    ]:
        Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
    unit, _ = BawasluUnit.objects.get_or_create(
        name="Bawaslu Kota Pasuruan (bench)",
        defaults={"level": "kabkota", "region_id": "35.75", "address": "Jl. Pahlawan, Pasuruan"},
    )
    template = PledgeTemplate.objects.filter(is_current=True).order_by("pk").first()
    event = Event.objects.create(
        unit=unit,
        region_id="35.75",
        template=template,
        title=f"Rakornas Netralitas ASN ({signers} peserta)",
        kind="rapat_koordinasi",
        election="Pemilihan Serentak 2024",
        starts_at=datetime(2024, 9, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        venue="Ascent Premier Hotel",
        chair_name="Vita Suci Rahayu",
        reader_name="Rudiyanto",
    )
    event = open_event(event)
    rng = random.Random(2024)
    first_names = ["Ahmad", "Siti", "Nur'aini", "Bambang", "Made", "Şahin", "Yohanes", "Dewi"]
    last_names = ["Wijaya", "Kusumaningrat", "Harahap", "Pangaribuan", "Saputra", "Rahayu"]
    started = event.starts_at
    signatories = Signatory.objects.bulk_create(
        Signatory(
            event=event,
            full_name=f"{rng.choice(first_names)} {rng.choice(last_names)} {number:03d}",
            nip=f"198005122005011{number:03d}" if number % 3 else "",
            position=rng.choice(
                ["Kepala Dinas Pendidikan", "Camat Gadingrejo", "Lurah Bukir", "Sekretaris Daerah"]
            ),
            category=rng.choice(["kepala_opd", "camat", "lurah", "asn_lainnya"]),
            agency="Pemerintah Kota Pasuruan",
        )
        for number in range(1, signers + 1)
    )
    drawing_ms, sizes = [], []
    for number, signatory in enumerate(signatories):
        # As pledges.services.signing.record_signature does: validated strokes, and
        # their drawing for the lists made once, here (timed: a cost of signing).
        strokes = validate_strokes(signature_strokes(rng), PAD_WIDTH, PAD_HEIGHT)
        drawing_started = time.perf_counter()
        ink = stored_ink(strokes) if drawn else None
        drawing_ms.append(1000 * (time.perf_counter() - drawing_started))
        sizes.append(len(ink or ""))
        Signature.objects.create(
            signatory=signatory,
            signed_at=started + timedelta(seconds=20 * number),
            strokes=strokes,
            svg="",
            ink=ink,
            pledge_sha256=event.frozen_pledge_sha256,
            idempotency_key=uuid.uuid4(),
        )
    return {
        "event": event.pk,
        "signatory": signatories[0].pk,
        "drawing_ms": statistics.median(drawing_ms) if drawn else None,
        "ink_kb": statistics.mean(sizes) / 1000 if drawn else None,
    }


def case_inputs(case: str, ids: dict):
    from pledges.models import Document, Event, Signatory
    from pledges.services import documents

    event = Event.objects.select_related("unit", "region").get(pk=ids["event"])
    if case == "individual":
        signatory = Signatory.objects.select_related("signature").get(pk=ids["signatory"])
        signatory.event = event
        return event, Document.Kind.PAKTA_INTEGRITAS, signatory, documents
    return event, Document.Kind.DEKLARASI, None, documents


def measure_ours(case: str, ids: dict, repeat: int) -> dict:
    from io import BytesIO

    from pypdf import PdfReader

    from pledges.rendering import sealing

    event, kind, signatory, documents = case_inputs(case, ids)
    document, _ = documents.prepare_document(event, kind, signatory)
    verification = documents.Verification.of(document)
    OneDocumentHelpers.watch()
    renders, cpu, helper, seals, seal_cpu, checks = [], [], [], [], [], []
    with Together() as together:
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            helper_started = helper_cpu()
            facts = documents.document_facts(event, kind, signatory)
            _name, _mime, pdf = documents.RENDERERS[kind](facts, verification)
            rendered, cpu_rendered = time.perf_counter(), time.process_time()
            helper.append(helper_cpu() - helper_started)
            sealed = sealing.seal_pdf(pdf, reason="bench", location="Kota Pasuruan")
            seal_at, cpu_sealed = time.perf_counter(), time.process_time()
            check = sealing.check_seal(sealed)
            assert check.valid, check
            renders.append(rendered - started)
            cpu.append(cpu_rendered - cpu_started)
            seals.append(seal_at - rendered)
            seal_cpu.append(cpu_sealed - cpu_rendered)
            checks.append(time.perf_counter() - seal_at)
    return {
        "render_first_s": renders[0],
        "render_s": statistics.median(renders[1:] or renders),
        "render_cpu_s": statistics.median(cpu[1:] or cpu),
        "helper_cpu_s": statistics.median(helper[1:] or helper),
        "pades_s": statistics.median(seals[1:] or seals),
        "pades_cpu_s": statistics.median(seal_cpu[1:] or seal_cpu),
        "check_s": statistics.median(checks[1:] or checks),
        "level": check.level,
        "size_bytes": len(sealed),
        "pages": len(PdfReader(BytesIO(pdf)).pages),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "helper_peak_mb": helper_peak_mb(),
        "together_mb": together.peak_mb,
    }


def _helper_pid() -> int | None:
    try:
        from pledges.rendering.inkhelper import InkHelper
    except ImportError:  # a revision without it
        return None
    current = InkHelper._current
    return current.process.pid if current is not None and current.alive() else None


def _vm_hwm_mb(pid: int) -> float:
    return _status_mb(pid, "VmHWM")


def _status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:  # it has ended
        pass
    return 0.0


class OneDocumentHelpers:
    """Peak memory of the helpers started for one document (they end with it).

    Their CPU is counted by RUSAGE_CHILDREN once they are waited for; their
    peak is read from /proc while they run (the VmHWM of the program they
    run, not of the server they were started from), every 20 ms until they end.
    """

    peak_mb = 0.0

    @classmethod
    def watch(cls) -> None:
        try:
            from pledges.rendering.inkhelper import InkHelper
        except ImportError:
            return
        if not hasattr(InkHelper, "for_one_document"):  # a revision without them
            return
        started = InkHelper.for_one_document.__func__

        def watched(helper_class):
            helper = started(helper_class)
            if helper is not None:
                threading.Thread(target=cls._follow, args=(helper.process,), daemon=True).start()
            return helper

        InkHelper.for_one_document = classmethod(watched)

    @classmethod
    def _follow(cls, process) -> None:
        while process.poll() is None:
            cls.peak_mb = max(cls.peak_mb, _vm_hwm_mb(process.pid))
            time.sleep(0.02)


class Together:
    """Peak of the resident memory of this process and its children at the same moment.

    Sampled every 20 ms from /proc: what the machine must have free while a
    document is built, helpers included. Resident sizes count the shared
    libraries once per process, so the figure errs high.
    """

    def __init__(self) -> None:
        self.peak_mb = 0.0
        # Between fork and exec a child's resident size is this process's, which
        # would count this process twice: its command line is still ours.
        self._ours = Path("/proc/self/cmdline").read_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            pids = [os.getpid(), *_children(self._ours)]
            self.peak_mb = max(self.peak_mb, sum(_status_mb(pid, "VmRSS") for pid in pids))
            time.sleep(0.02)


def _children(ours: bytes) -> list[int]:
    """This process's children that run a program of their own (a command line not `ours`)."""
    pids = []
    for children in Path("/proc/self/task").glob("*/children"):
        with contextlib.suppress(OSError):
            pids += [int(pid) for pid in children.read_text().split()]
    return [pid for pid in pids if _cmdline(pid) not in (ours, None)]


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it has ended
        return None


def helper_peak_mb() -> float:
    """Peak resident memory of the processes working beside the render, if any."""
    shared = _vm_hwm_mb(pid) if (pid := _helper_pid()) is not None else 0.0
    return max(shared, OneDocumentHelpers.peak_mb)


def helper_cpu() -> float:
    """CPU seconds spent so far by the processes working beside the render, if any."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = children.ru_utime + children.ru_stime
    if (pid := _helper_pid()) is None:
        return spent
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return spent + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_raw(case: str, ids: dict, repeat: int) -> dict:
    from django.conf import settings
    from weasyprint import HTML

    event, kind, signatory, documents = case_inputs(case, ids)
    document, _ = documents.prepare_document(event, kind, signatory)
    facts = documents.document_facts(event, kind, signatory)
    html = page_html(documents, kind, facts, documents.Verification.of(document))
    times, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        # Under the interpreter settings our renderer uses (its collector thresholds).
        with fewer_collections(documents, large=case == "collective"):
            HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return {
        "raw_first_s": times[0],
        "raw_s": statistics.median(times[1:] or times),
        "raw_cpu_s": statistics.median(cpu[1:] or cpu),
        "raw_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def fewer_collections(documents, large: bool):
    """The collector settings our renderer runs WeasyPrint under (wherever it keeps them)."""
    if hasattr(documents, "_fewer_collections"):
        return documents._fewer_collections()
    import inspect

    from pledges.rendering.pdfink import fewer_collections

    if "large" in inspect.signature(fewer_collections).parameters:
        return fewer_collections(large=large)
    return fewer_collections()


def page_html(documents, kind: str, facts: dict, verification) -> str:
    """The exact HTML our renderer hands WeasyPrint (signatures drawn, if it draws them)."""
    if hasattr(documents, "document_html"):
        return documents.document_html(kind, facts, verification)
    from django.template.loader import render_to_string

    template = f"pledges/pdf/{kind}.html"
    return render_to_string(template, {**facts, "verification": verification})


WORKER_UNIT = ROOT / "docs" / "deploy" / "netralitas-worker.service"


def worker_environment() -> dict[str, str]:
    """The `Environment=` settings of the worker's systemd unit, which builds documents."""
    found = {}
    for line in WORKER_UNIT.read_text().splitlines():
        if line.startswith("Environment="):
            name, _, value = line.removeprefix("Environment=").partition("=")
            found[name] = value
    return found


def stolen_s() -> float:
    """Seconds of CPU the hypervisor gave to others, over all cores, since boot (/proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def run_child(workdir: Path, *args: str, env: dict | None = None) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--workdir", str(workdir), *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


@contextlib.contextmanager
def local_pki(workdir: Path, wanted: bool):
    """The tests' CA and TSA in a process of their own, their settings in our environment."""
    if not wanted:
        yield "B-B, development certificate"
        return
    sys.path.insert(0, str(ROOT))
    from bench.seal import OtherProcessPki

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with OtherProcessPki(workdir / "pki", port=port) as pki:
        # Children inherit them: their seals are the unit's, timestamped, with LTV.
        os.environ.update(pki.settings())
        yield "B-LTA, local CA/TSA (tests/local_pki.py) in its own process"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signers", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tsa", action="store_true", help="seal B-B, no local CA/TSA")
    parser.add_argument(
        "--undrawn",
        action="store_true",
        help="signatures stored without their drawing (as before it was kept): drawn per document",
    )
    parser.add_argument(
        "--no-worker-env",
        action="store_true",
        help="measure without the worker unit's environment (docs/deploy)",
    )
    parser.add_argument("--workdir")
    parser.add_argument("--child", choices=["setup", "ours", "raw"])
    parser.add_argument("--case", choices=["individual", "collective"])
    parser.add_argument("--ids")
    options = parser.parse_args()

    if options.child:
        configure(Path(options.workdir))
        if options.child == "setup":
            print(json.dumps(setup(options.signers, drawn=not options.undrawn)))
        elif options.child == "ours":
            print(json.dumps(measure_ours(options.case, json.loads(options.ids), options.repeat)))
        else:
            print(json.dumps(measure_raw(options.case, json.loads(options.ids), options.repeat)))
        return

    with (
        tempfile.TemporaryDirectory(prefix="netralitas-bench-") as tmp,
        local_pki(Path(tmp), not options.no_tsa) as seal,
    ):
        workdir = Path(tmp)
        made = run_child(
            workdir,
            "--child",
            "setup",
            "--signers",
            str(options.signers),
            *(["--undrawn"] if options.undrawn else []),
        )
        ids = json.dumps(made)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(
            f"PDF benchmark: {options.signers} signers, median of {options.repeat} runs"
            f" (load average {load}); seal {seal}"
        )
        if made["drawing_ms"] is None:
            print("signatures stored without their drawing: each document draws them")
        else:
            print(
                f"drawn when recorded (a cost of signing, record_signature):"
                f" {made['drawing_ms']:.2f} ms per signature (median), {made['ink_kb']:.1f} KB"
                " stored"
            )
        print(
            f"{'case':<18}{'render':>8}{'cpu':>7}{'ink cpu':>8}{'1st':>7}{'seal':>7}{'cpu':>6}"
            f"{'check':>7}"
            f"{'total':>8}{'size':>8}{'peak':>7}{'ink pk':>7}{'both':>7}"
            f"{'raw':>7}{'cpu':>7}{'raw pk':>7}"
            f"{'ms/signer':>11}"
        )
        # Documents are built by the worker: measured in its environment.
        worker = {} if options.no_worker_env else worker_environment()
        print(
            "environment of the worker unit: "
            + (" ".join(f"{name}={value}" for name, value in worker.items()) or "none")
        )
        for case in ("individual", "collective"):
            common = ["--case", case, "--ids", ids, "--repeat", str(options.repeat)]
            stolen, started = stolen_s(), time.perf_counter()
            ours = run_child(workdir, "--child", "ours", *common, env={**os.environ, **worker})
            raw = run_child(workdir, "--child", "raw", *common, env={**os.environ, **worker})
            cores = os.cpu_count() or 1
            steal = (stolen_s() - stolen) / (time.perf_counter() - started) / cores
            label = "individual" if case == "individual" else f"collective {options.signers}"
            total = ours["render_s"] + ours["pades_s"] + ours["check_s"]
            per_signer = (
                f"{1000 * ours['render_s'] / options.signers:.2f}"
                f"/{1000 * ours['render_cpu_s'] / options.signers:.2f}"
                if case == "collective"
                else ""
            )
            print(
                f"{label:<18}{ours['render_s']:>7.2f}s{ours['render_cpu_s']:>6.2f}s"
                f"{ours['helper_cpu_s']:>7.2f}s"
                f"{ours['render_first_s']:>6.2f}s{ours['pades_s']:>6.2f}s{ours['pades_cpu_s']:>5.2f}s"
                f"{ours['check_s']:>6.2f}s{total:>7.2f}s{ours['size_bytes'] / 1e6:>6.2f}MB"
                f"{ours['peak_mb']:>5.0f}MB{ours['helper_peak_mb']:>5.0f}MB"
                f"{ours['together_mb']:>5.0f}MB{raw['raw_s']:>6.2f}s{raw['raw_cpu_s']:>6.2f}s"
                f"{raw['raw_peak_mb']:>5.0f}MB  {per_signer}"
            )
            print(
                f"  steal: the host gave {100 * steal:.0f} % of this machine's CPU time to others"
                " during the case (/proc/stat): wall times above grow with it"
            )
            print("  " + json.dumps({"case": case, **ours, **raw, "steal": steal}))
        print(
            "render: facts + template + WeasyPrint + ink, wall (cpu); ink cpu, ink pk: the"
            " helper processes beside the render (pledges.rendering.inkhelper: drawing"
            " signatures, or laying out the second part of a long document), their CPU and"
            " peak memory (they run at the same time as the render's); both: the resident"
            " memory of this process and its helpers at the same moment, at its highest"
            " (sampled every 20 ms); seal: "
            f"{ours['level']} (cpu: ours, not the CA/TSA's); total: render + seal + check, as "
            "build_document; raw: WeasyPrint alone on the same HTML; ms/signer: render wall/cpu"
        )


if __name__ == "__main__":
    main()
