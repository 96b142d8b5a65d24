"""A helper process that draws signatures (``ink.draw_texts``) beside the one laying out pages.

A large document spends about as long drawing its signatures from their
strokes as WeasyPrint spends laying out its pages; the two do not depend on
each other until the PDF is written, so on a machine of two cores they run
side by side (``pledges.rendering.pdfink``).

The helper is our own small program, ``python -m pledges.rendering.inkhelper``,
not ``multiprocessing``: that would start it either by forking a server
process with its threads and database connections, or by importing the
server's main module again in the child. It imports only ``ink`` and reads
length-prefixed pickled requests on stdin, ``(key, {id: strokes JSON},
width_mm, height_mm)``, answering ``(key, {id: path operators})`` on stdout
in the same order. Two threads of the parent's feed it and read its
answers, so neither side waits on a full pipe while the other works.
"""

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
    """The helper's side: draw each request, answer it, until stdin closes."""
    from pledges.rendering.ink import draw_texts

    requests = requests or sys.stdin.buffer
    answers = answers or sys.stdout.buffer
    while (request := _read_frame(requests)) is not None:
        key, texts, width_mm, height_mm = request
        _write_frame(answers, (key, draw_texts(texts, width_mm, height_mm)))


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
        future = Future()
        with self.key_lock:
            key, self.next_key = self.next_key, self.next_key + 1
            self.pending[key] = future
        self.outbox.put((key, texts, *box_mm))
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

    def _feed(self) -> None:
        # Ends with the parent: its end of the pipe closes and the helper reads EOF.
        while (request := self.outbox.get()) is not None:
            try:
                _write_frame(self.process.stdin, request)
            except (OSError, ValueError) as error:
                self._fail_pending(error)
                return

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
