"""Validate a FHIR Bundle (JSON on standard input) against the R4 (4.0.1) models.

Run by ``tests/test_summary_fhir.py`` with the Python of a separate environment, because the
last ``fhir.resources`` with R4 models (6.4.0) needs pydantic 1 while kapjournal needs pydantic 2:

    python3 -m venv .venv-fhir-r4
    .venv-fhir-r4/bin/pip install 'fhir.resources==6.4.0' 'pydantic>=1.10,<2'

Prints "ok <fhir version> <entries>" and exits 0, or prints the validation errors and exits 1.
"""

from __future__ import annotations

import sys

import fhir.resources as fhir
from fhir.resources.bundle import Bundle
from pydantic import ValidationError


def main() -> int:
    if fhir.__fhir_version__ != "4.0.1":
        print(f"not the R4 models: fhir.resources {fhir.__version__} is FHIR {fhir.__fhir_version__}")
        return 2
    try:
        bundle = Bundle.parse_raw(sys.stdin.buffer.read(), content_type="application/json")
    except ValidationError as exc:
        print(exc)
        return 1
    print(f"ok {fhir.__fhir_version__} {len(bundle.entry or [])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
