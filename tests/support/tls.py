"""Certificates for the TLS tests: a private certificate authority and the server certificates it signs.

Nothing here is trusted by the machine: a test makes the authority trusted by pointing ``SSL_CERT_FILE`` at its
certificate (what ``ssl.create_default_context()`` reads), as an operator with an internal CA would.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class ServerCert:
    """A server's certificate and key, as PEM files."""

    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class TestAuthority:
    """A certificate authority of its own, writing its files into ``folder``."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, folder: Path, name: str = "frontier-intake test CA") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        self.cert = folder / "ca.pem"
        self.cert.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, stem: str, *, ips: tuple[str, ...] = (), dns: tuple[str, ...] = ()) -> ServerCert:
        """A server certificate for these addresses and names, signed by this authority."""
        return self._write(stem, self._cert.subject, self._key, ips=ips, dns=dns)

    def self_signed(self, stem: str, *, ips: tuple[str, ...] = (), dns: tuple[str, ...] = ()) -> ServerCert:
        """A certificate for these addresses signed by its own key: what a machine in the middle presents."""
        return self._write(stem, None, None, ips=ips, dns=dns)

    def _write(
        self,
        stem: str,
        issuer: x509.Name | None,
        issuer_key: ec.EllipticCurvePrivateKey | None,
        *,
        ips: tuple[str, ...],
        dns: tuple[str, ...],
    ) -> ServerCert:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name((dns or ips or (stem,))[0])
        names = [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips] + [x509.DNSName(d) for d in dns]
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer or subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(issuer_key or key, hashes.SHA256())
        )
        out = ServerCert(self.folder / f"{stem}.pem", self.folder / f"{stem}.key")
        out.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        out.key.write_bytes(_key_pem(key))
        out.key.chmod(0o644)  # a throwaway key; Dovecot's unprivileged processes may need to read it
        return out
