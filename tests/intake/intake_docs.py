"""Small real documents for intake tests (a real PDF, a real X12 850)."""

from __future__ import annotations

from fixtures.small_pdf import small_pdf


def pdf_bytes(text: str = "PURCHASE ORDER 4500012345") -> bytes:
    return small_pdf(text)


def x12_850(po: str = "PO1001") -> bytes:
    segs = [
        "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*1200*U*00401*000000001*0*P*>",
        "GS*PO*BUYER*SELLER*20240101*1200*1*X*004010",
        "ST*850*0001",
        f"BEG*00*SA*{po}**20240101",
        "PO1*1*10*EA*4.50**VP*WIDGET-10",
        "CTT*1",
        "SE*5*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ]
    return ("~\n".join(segs) + "~\n").encode()


class FakeStore:
    """The caller's commit: keeps envelopes by sha256, like the real store's idempotency."""

    def __init__(self, fail_times: int = 0, hook=None):
        self.docs: dict[str, object] = {}
        self.calls: list[object] = []
        self.fail_times = fail_times
        self.hook = hook

    def __call__(self, env):
        self.calls.append(env)
        if self.hook:
            self.hook(env)
        if self.fail_times > 0:
            self.fail_times -= 1
            raise ConnectionError("store connection dropped")
        if env.sha256 in self.docs:
            return "duplicate"
        self.docs[env.sha256] = env
        return "stored"

    @property
    def envelopes(self):
        return list(self.docs.values())
