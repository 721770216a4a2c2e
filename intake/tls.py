"""TLS for the mail channels (IMAP in, SMTP out): one way to build the client context, and
one way to turn a failed handshake into a sentence an operator can act on.

OpenSSL's own wording ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to
get local issuer certificate (_ssl.c:1006)") names neither the server nor the fix.
"""

from __future__ import annotations

import ssl

TLS_MODES = ("none", "ssl", "starttls")

#: OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_EMAIL_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
_NAME_MISMATCH = (62, 63, 64)


def client_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Verify the server certificate and its name (DNS or IP address SAN).

    ``ca_file`` names the CA bundle that signed a private server's certificate; without it the
    system trust store is used.
    """
    ctx = ssl.create_default_context()
    if ca_file:
        ctx.load_verify_locations(cafile=ca_file)  # in addition to the system CAs
    return ctx


def tls_failure(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind ``exc`` (itself, or its cause/context), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def describe_tls_error(exc: BaseException, where: str, ca_file: str | None, tls: str) -> str | None:
    """A readable line for a TLS failure talking to ``where`` (host:port); None if not TLS."""
    err = tls_failure(exc)
    if err is None:
        return None
    if isinstance(err, ssl.SSLCertVerificationError):
        detail = err.verify_message or err.reason or str(err)
        if err.verify_code in _NAME_MISMATCH:
            hint = "connect by a host name or address the certificate lists"
        elif ca_file:
            hint = f"the certificate is not signed by the CA in ca_file {ca_file}"
        else:
            hint = "the system CAs do not trust it; set ca_file to the CA that signed the server's certificate"
        return f"TLS certificate verification failed for {where}: {detail} ({hint})"
    reason = err.reason or str(err)
    if reason == "WRONG_VERSION_NUMBER":
        port_hint = "993/465 are ssl, 143/587 are starttls" if tls == "ssl" else "check tls and port"
        return (
            f"TLS handshake with {where} failed: the server did not answer TLS "
            f"(is tls = {tls!r} right for this port? {port_hint})"
        )
    return f"TLS handshake with {where} failed: {reason}"
