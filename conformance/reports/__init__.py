"""The run's reports (layer 7): `conformance.json`, `junit.xml`, `report.md` (`writer.py`), the
self-contained `report.html` (`html.py`) and the GitHub step summary, each stating the verdict and every
requirement of the catalog once, each through redaction; `facts.py` is what they say about the run besides its
requirements."""

__all__: list[str] = []
