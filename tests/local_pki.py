"""A real certification authority and timestamp authority on this machine, for tests and benches.

Certomancer (the ``test`` extra) issues a small PKI like a unit's would be:
a root CA, an intermediate CA that issues the unit's sealing certificate and
publishes a CRL and an OCSP responder, and a timestamp authority (RFC 3161)
under the root. Its Animator, a WSGI app, answers the TSA, OCSP, CRL and
certificate requests over HTTP on a free loopback port, in a thread.

    with LocalPki.start(directory) as pki:
        pki.tsa_url, pki.trust_roots_pem, pki.unit_pkcs12 ...

``python -m tests.local_pki [--port 8890]`` serves one for `make run` and prints
the environment variables that make the development server timestamp its seals
with it (the seal itself stays the development certificate's, so documents
still say they are not evidence; ``--unit-certificate`` also seals with the
CA-issued test certificate, as production would with the unit's).
"""

import datetime
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ARCH = "netralitas-uji"
KEYS = ("root", "interm", "unit", "tsa", "ocsp")
PKCS12_PASSWORD = "uji-lokal"


def _validity(years: int) -> dict:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return {
        "valid-from": (now - datetime.timedelta(days=1)).isoformat(),
        "valid-to": (now + datetime.timedelta(days=365 * years)).isoformat(),
    }


def _config(prefix: str, key_dir: Path) -> dict:
    key_usage = {"id": "key_usage", "critical": True}
    return {
        "external-url-prefix": prefix,
        "keysets": {
            ARCH: {"keys": {name: {"path": str(key_dir / f"{name}.pem")} for name in KEYS}}
        },
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "ID", "organization-name": "CA Uji Lokal"},
                "entities": {
                    "root": {"common-name": "Akar Uji Lokal"},
                    "interm": {"common-name": "CA Antara Uji Lokal"},
                    "tsa": {"common-name": "TSA Uji Lokal"},
                    "ocsp": {"common-name": "OCSP Uji Lokal"},
                    "unit": {
                        "organization-name": "Bawaslu Kota Pasuruan",
                        "organizational-unit-name": "Sekretariat",
                        "common-name": "Segel Bawaslu Kota Pasuruan",
                    },
                },
                "certs": {
                    "root": {
                        "issuer": "root",
                        "validity": _validity(20),
                        "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": _validity(10),
                        "profiles": [
                            {
                                "id": "simple-ca",
                                "params": {"crl-repo": "interm", "ocsp-service": "interm"},
                            }
                        ],
                    },
                    "ocsp": {
                        "issuer": "interm",
                        "validity": _validity(5),
                        "profiles": ["ocsp-responder"],
                    },
                    "unit": {
                        "issuer": "interm",
                        "validity": _validity(2),
                        "profiles": ["digsig-commitment"],
                    },
                    "tsa": {
                        "issuer": "root",
                        "validity": _validity(10),
                        "extensions": [
                            {
                                **key_usage,
                                "smart-value": {
                                    "schema": "key-usage",
                                    "params": ["digital_signature"],
                                },
                            },
                            {
                                "id": "extended_key_usage",
                                "critical": True,
                                "value": ["time_stamping"],
                            },
                        ],
                    },
                },
                "services": {
                    "crl-repo": {
                        "root": {"for-issuer": "root", "simulated-update-schedule": "P90D"},
                        "interm": {"for-issuer": "interm", "simulated-update-schedule": "P7D"},
                    },
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "ocsp",
                            "signing-key": "ocsp",
                        }
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


class _Deferred:
    """The WSGI app the server is started with, before the Animator knows its own URL."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class LocalPki:
    directory: Path
    url: str
    tsa_url: str
    trust_roots_pem: Path
    unit_pkcs12: Path
    _server: object = None
    _thread: threading.Thread | None = None
    requests: int = 0
    # Time the Animator spent answering (signing tokens, CRLs, OCSP responses).
    server_seconds: float = 0.0

    @classmethod
    def start(cls, directory: Path, port: int = 0) -> "LocalPki":
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from certomancer.registry import CertomancerConfig
        from werkzeug.serving import make_server

        directory.mkdir(parents=True, exist_ok=True)
        for name in KEYS:
            path = directory / f"{name}.pem"
            if not path.exists():
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                path.write_bytes(
                    key.private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                )
        deferred = _Deferred()
        server = make_server("127.0.0.1", port, deferred, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        config = CertomancerConfig(_config(url, directory), key_search_dir=str(directory))
        arch = config.get_pki_arch(ARCH)
        animator = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
        pki = cls(
            directory=directory,
            url=url,
            tsa_url=f"{url}/{ARCH}/tsa/tsa",
            trust_roots_pem=directory / "trust-roots.pem",
            unit_pkcs12=directory / "unit.p12",
        )

        def counted(environ, start_response):
            started = time.perf_counter()
            try:
                return animator(environ, start_response)
            finally:
                pki.requests += 1
                pki.server_seconds += time.perf_counter() - started

        deferred.app = counted
        pki.trust_roots_pem.write_bytes(_pem(arch.get_cert("root").dump()))
        pki.unit_pkcs12.write_bytes(arch.package_pkcs12("unit", password=PKCS12_PASSWORD.encode()))
        pki._server = server
        pki._thread = threading.Thread(target=server.serve_forever, daemon=True)
        pki._thread.start()
        return pki

    def settings(self) -> dict:
        """The environment (and Django settings) that make the server seal with this PKI."""
        return {
            "PADES_PKCS12_PATH": str(self.unit_pkcs12),
            "PADES_PKCS12_PASSWORD": PKCS12_PASSWORD,
            "PADES_TSA_URL": self.tsa_url,
            "PADES_TRUST_ROOTS": str(self.trust_roots_pem),
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.stop()


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)


def main() -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8890)
    parser.add_argument("--dir", type=Path, default=None, help="keys and certificates (kept)")
    parser.add_argument("--unit-certificate", action="store_true", help="seal with its unit too")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="netralitas-pki-"))
    pki = LocalPki.start(directory, port=args.port)
    print(f"# CA dan TSA uji lokal di {pki.url} (Ctrl-C untuk berhenti). Jalankan server dengan:")
    for name, value in pki.settings().items():
        if args.unit_certificate or not name.startswith("PADES_PKCS12"):
            print(f"export {name}={value}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pki.stop()


if __name__ == "__main__":
    main()
