"""A helper process that draws signatures (``ink.draw_texts``) beside the one laying out pages.

A large document spends about as long drawing its signatures from their
strokes as WeasyPrint spends laying out its pages; the two do not depend on
each other until the PDF is written, so on a machine of two cores they run
side by side (``pledges.rendering.pdfink``).

The helper is our own small program, ``python -m pledges.rendering.inkhelper``,
not ``multiprocessing``: that would start it either by forking a server
process with its threads and database connections, or by importing the
server's main module again in the child. It imports no Django and reads
length-prefixed pickled requests on stdin, answering each on stdout in the
same order:

- ``(key, "ink", {id: strokes JSON}, (width_mm, height_mm))``: the paths,
  ``(key, {id: path operators})``; the helper then waits for more;
- ``(key, "pdf", html, base_url, (width_mm, height_mm), {id: strokes JSON},
  {id: path operators})``: that part of a long document laid out, its
  signatures drawn from their strokes or put in as they were drawn before
  (``pdfjoin``), ``(key, pdf bytes)``; then the helper ends, so the memory
  of a thousand laid-out rows goes back to the system. A helper for that
  is started for the one document (``InkHelper.for_one_document``).

Two threads of the parent's feed it and read its answers, so neither side
waits on a full pipe while the other works.
"""

import contextlib
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

logger = logging.getLogger(__name__)

HEADER = struct.Struct("!Q")
PROJECT = Path(__file__).resolve().parents[2]


def _write_frame(stream, payload) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(stream):
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def serve(requests=None, answers=None) -> None:
    """The helper's side: answer each request, until stdin closes or a part is laid out."""
    from pledges.rendering.ink import draw_texts

    requests = requests or sys.stdin.buffer
    answers = answers or sys.stdout.buffer
    while (request := _read_frame(requests)) is not None:
        key, kind, *payload = request
        if kind == "pdf":
            _write_frame(answers, (key, lay_out(*payload)))
            return
        texts, box_mm = payload
        _write_frame(answers, (key, draw_texts(texts, *box_mm)))


def lay_out(
    html: str, base_url: str, box_mm, texts: dict[int, str], paths: dict[int, str] | None = None
) -> bytes:
    """`html` as PDF, its signatures drawn from `texts` batch by batch as pages are
    written, or taken from `paths` where they were drawn before."""
    from pledges.rendering import pdfpages
    from pledges.rendering.ink import draw_texts

    paths = paths or {}

    def drawn():
        for batch in pdfpages.in_batches(pdfpages.ink_ids(html)):
            mine = {pk: texts.pop(pk) for pk in batch if pk in texts}
            ready = {pk: paths.pop(pk) for pk in batch if pk in paths}
            yield batch, {**ready, **draw_texts(mine, *box_mm)}

    # A box without strokes here fails the request: only the parent can read
    # them, and it then lays this part out itself.
    return pdfpages.write_pdf(html, base_url, drawn())


class InkHelper:
    """The parent's side: ``submit`` returns a Future of ``{id: path operators}``."""

    _lock = threading.Lock()
    _current: "InkHelper | None" = None

    @classmethod
    def get(cls) -> "InkHelper | None":
        """This process's helper, started on first use; None if it cannot start."""
        with cls._lock:
            helper = cls._current
            if helper is None or not helper.alive():
                try:
                    helper = cls._current = cls()
                except OSError:
                    logger.exception("Proses gambar tanda tangan tidak dapat dimulai.")
                    return None
            return helper

    @classmethod
    def for_one_document(cls) -> "InkHelper | None":
        """A helper of its own for one part of a long document; None if it cannot start."""
        try:
            return cls()
        except OSError:
            logger.exception("Proses tata letak tidak dapat dimulai.")
            return None

    def __init__(self):
        self.pid = os.getpid()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pledges.rendering.inkhelper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=PROJECT,
        )
        self.pending: dict[int, Future] = {}
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.next_key = 0
        self.key_lock = threading.Lock()
        threading.Thread(target=self._feed, name="ink-feed", daemon=True).start()
        threading.Thread(target=self._collect, name="ink-collect", daemon=True).start()

    def alive(self) -> bool:
        # A helper started by the process this one was forked from is not ours.
        return self.pid == os.getpid() and self.process.poll() is None

    def submit(self, texts: dict[int, str], box_mm) -> Future:
        """A Future of ``{id: path operators}`` for `texts` drawn in `box_mm`."""
        return self._request("ink", texts, tuple(box_mm))

    def lay_out(
        self, html: str, base_url: str, box_mm, texts: dict[int, str], paths=None
    ) -> Future:
        """A Future of the PDF of `html`, its signatures drawn from `texts` or taken
        from `paths` ({id: path operators}); then it ends."""
        return self._request("pdf", html, base_url, tuple(box_mm), texts, paths or {})

    def _request(self, kind: str, *payload) -> Future:
        future = Future()
        with self.key_lock:
            key, self.next_key = self.next_key, self.next_key + 1
            self.pending[key] = future
        self.outbox.put((key, kind, *payload))
        return future

    def discard(self) -> None:
        """Give up on this helper (it died or hung): the next request starts a new one."""
        with InkHelper._lock:
            if InkHelper._current is self:
                InkHelper._current = None
        self.outbox.put(None)
        if self.pid == os.getpid() and self.process.poll() is None:
            self.process.kill()
        self._fail_pending(RuntimeError("proses gambar tanda tangan dihentikan"))

    def close(self) -> None:
        """No more requests: the helper reads the end of its input and ends."""
        self.outbox.put(None)

    def _feed(self) -> None:
        # Ends on close() or discard(), or with the parent: the helper then reads EOF.
        while (request := self.outbox.get()) is not None:
            try:
                _write_frame(self.process.stdin, request)
            except (OSError, ValueError) as error:
                self._fail_pending(error)
                return
            # Not kept while waiting for the next: a part's strokes are megabytes.
            del request
        with contextlib.suppress(OSError):
            self.process.stdin.close()

    def _collect(self) -> None:
        try:
            while (answer := _read_frame(self.process.stdout)) is not None:
                key, paths = answer
                with self.key_lock:
                    future = self.pending.pop(key, None)
                if future is not None:
                    future.set_result(paths)
        except (OSError, ValueError, pickle.UnpicklingError) as error:
            self._fail_pending(error)
            return
        self._fail_pending(RuntimeError("proses gambar tanda tangan berhenti"))

    def _fail_pending(self, error: Exception) -> None:
        with self.key_lock:
            pending, self.pending = self.pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)


if __name__ == "__main__":
    serve()
    # Nothing is left to tidy: ending at once gives a laid-out part's memory back sooner.
    os._exit(0)
