"""Make both sample partnerships' meeting-pack PDFs (the public's published version, uncached):
print each one's pages, size and time to make, and turn its pages into PNGs to look at.

    .venv/bin/python benchmarks/pack_pages.py [--out DIR] [--dpi 50] [--member]

`--member` also makes South Gloucestershire's members' live pack at its unpublished point.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SLUGS = ("south-glos", "gloucester")
MEMBER_POINT = ("south-glos", "2019/20 H1")


def _pages(pdf: bytes) -> tuple[int, list[str]]:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        sizes = []
        for page in doc.pages:
            box = [float(v) for v in page.mediabox]
            w, h = box[2] - box[0], box[3] - box[1]
            sizes.append("landscape" if w > h else "portrait")
        return len(doc.pages), sizes


def make(slug: str, label: str | None, member: bool) -> tuple[bytes, float, float, str]:
    """One pack's PDF made from scratch (cache cleared): (bytes, wall seconds, CPU seconds,
    point label). CPU time is printed too: on a shared machine the wall time is inflated."""
    import app as app_module
    import pack
    from dashboard.audience import PUBLIC, Audience
    from data_access.cache import cache
    from data_access.reports import report_for

    audience = Audience(frozenset({slug})) if member else PUBLIC
    with app_module.server.test_request_context():
        cache.clear()
        started, cpu = time.perf_counter(), time.process_time()
        report = report_for(slug, label, audience)
        pdf = pack.pdf_bytes(pack.render_page(pack.read_pack(report), for_pdf=True))
        return pdf, time.perf_counter() - started, time.process_time() - cpu, report.point.label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the PDFs and PNGs")
    parser.add_argument("--dpi", type=int, default=50)
    parser.add_argument("--member", action="store_true")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="pack-pages-"))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        import app as app_module
        from data_access import db, schema
        from data_access.sample import load_sample

        with app_module.server.app_context():
            schema.upgrade(db.engine())
            load_sample("benchmark")
        wanted = [(slug, None, False) for slug in SLUGS]
        if args.member:
            wanted.append((*MEMBER_POINT, True))
        make(*wanted[-1])  # once first, so imports and font loading are not timed
        for slug, label, member in wanted:
            pdf, seconds, cpu, point = make(slug, label, member)
            name = f"{slug}{'-member' if member else ''}"
            path = out / f"{name}.pdf"
            path.write_bytes(pdf)
            count, sizes = _pages(pdf)
            landscape = sizes.count("landscape")
            print(
                f"{name} at {point}: {count} pages ({landscape} landscape), "
                f"{len(pdf) / 1024:.0f} KB, made in {seconds:.2f} s ({cpu:.2f} s CPU, uncached; "
                f"load average {os.getloadavg()[0]:.1f})"
            )
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(args.dpi), str(path), str(out / name)], check=True
            )
    print(f"PDFs and page images in {out}")


if __name__ == "__main__":
    main()
