"""One printable file holding many outputs: every copy of a merge, or a course's cheat sheets.

A teacher printing 30 personalised handouts wants one file to send to the printer, in
row order. Cheat sheets (PDF) are joined page after page with pypdf, which copies the
pages as they are (fonts and all) and is pure Python. Handouts are joined with
docxcompose, which carries each copy's styles, numbering and images across; each copy
ends with a section break and starts its page numbers at 1 again, so every student's
pages read "page 1, 2 ...". Decks are not printed, so they are not combined.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from copy import deepcopy
from pathlib import Path
from typing import Any

from .batch import Job, Plan, pool_context
from .build import BuildOptions
from .errors import BuildError
from .files import atomic_target, normalized_zip

COMBINED = {"docx": "handouts.docx", "pdf": "cheatsheets.pdf"}


def combine_outputs(plan: Plan, options: BuildOptions, *, into: Path) -> list[Path]:
    """Write the combined files of a run into *into*; returns them.

    With a data file, one file per printable format for each lesson, holding its copies
    in row order (``intro-handouts.docx``); for lessons without one, one PDF of all their
    cheat sheets (``cheatsheets.pdf``). Raises :class:`BuildError` if an output to
    combine is missing (its build failed).
    """
    copies: dict[tuple[str, int | None], tuple[Job, set[str]]] = {}
    for job in sorted([*plan.jobs, *plan.fresh], key=lambda job: (str(job.lesson), job.row or 0)):
        copies.setdefault((str(job.lesson), job.row), (job, set()))[1].update(job.keys)
    groups: dict[tuple[str, str], list[Path]] = {}
    for job, formats in copies.values():  # one entry per copy, however its formats were split
        for fmt in COMBINED:
            if fmt not in formats or (job.row is None and fmt != "pdf"):
                continue
            name = plan.manifest.name_of(fmt, job.stem)
            if name is None or not (options.out_dir / name).is_file():
                raise BuildError(
                    f"{job.label}: its {fmt} output is missing, so the combined file is not made"
                )
            group = _lesson_stem(job) + "-" if job.row is not None else ""
            groups.setdefault((fmt, group), []).append(options.out_dir / name)
    written = []
    for (fmt, group), paths in groups.items():
        target = into / f"{group}{COMBINED[fmt]}"
        with atomic_target(target) as temporary:
            temporary.write_bytes(_JOIN[fmt](paths))
        written.append(target)
    return written


def join_handouts_apart(paths: list[Path]) -> bytes:
    """:func:`join_handouts` in a child process. Importing docxcompose changes how
    python-docx writes a document's core properties in the whole process, so it is kept
    out of this one: a handout built here afterwards (a warm process, a library user)
    stays the same."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=pool_context()) as pool:
        return pool.submit(join_handouts, paths).result()


def _lesson_stem(job: Job) -> str:
    """The lesson's own output stem, with the folders it mirrors (``unit1/intro``)."""
    folder = job.stem.rpartition("/")[0]
    return f"{folder}/{job.lesson.stem}" if folder else job.lesson.stem


def join_pdfs(paths: list[Path]) -> bytes:
    """The pages of every PDF in order, in one PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    writer.add_metadata({"/Producer": "Lectern"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def join_handouts(paths: list[Path]) -> bytes:
    """Every handout in order, one section each, with its own headers and footers (they
    may show the copy's own variables) and page numbers counted within the copy."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docxcompose.composer import Composer

    master = Document(str(paths[0]))
    body = master.element.body
    final = body.find(qn("w:sectPr"))
    if final is None:
        raise BuildError(f"{paths[0]}: the handout has no section properties to copy")
    restart = final.find(qn("w:pgNumType"))
    if restart is None:
        restart = OxmlElement("w:pgNumType")
        final.append(restart)
    restart.set(qn("w:start"), "1")
    _count_section_pages(master.part, final, _end_of_copy(1))
    composer = Composer(master)
    ends = []  # each copy's last paragraph
    for number, path in enumerate(paths[1:], 2):
        # End the copy before with a section of its own: a paragraph holding a copy of
        # the page setup closes a section in Word, keeping that copy's headers and footers.
        paragraph = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        properties.append(deepcopy(final))
        paragraph.append(properties)
        body.insert(composer.append_index(), paragraph)
        ends.append(paragraph)
        copy = Document(str(path))
        composer.append(copy)
        _adopt_headers(master, copy, final, _end_of_copy(number))
    ends.append(body.xpath(".//w:p")[-1])
    _mark_ends(body, ends)
    buffer = io.BytesIO()
    composer.save(buffer)
    with zipfile.ZipFile(paths[0]) as first:
        stamp = dt.datetime(*first.infolist()[0].date_time, tzinfo=dt.UTC)
    return normalized_zip(buffer.getvalue(), stamp)


_REFERENCES = {"w:headerReference": "header", "w:footerReference": "footer"}


def _end_of_copy(number: int) -> str:
    """The name of the (hidden) bookmark on the last paragraph of copy *number*."""
    return f"_LecternCopy{number}"


def _mark_ends(body: Any, ends: list[Any]) -> None:
    """Bookmark the last paragraph of each copy, for its footer to count its pages by."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    taken = max((int(n) for n in body.xpath(".//w:bookmarkStart/@w:id")), default=0)
    for number, paragraph in enumerate(ends, 1):
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(taken + number))
        start.set(qn("w:name"), _end_of_copy(number))
        end.set(qn("w:id"), str(taken + number))
        paragraph.append(start)
        paragraph.append(end)


def _adopt_headers(master: Any, copy: Any, section: Any, end: str) -> None:
    """Point *section* (the master's page setup) at *copy*'s own headers and footers,
    moved into the master's package under fresh names."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    for tag in _REFERENCES:
        for reference in section.findall(qn(tag)):
            section.remove(reference)
    source = copy.element.body.find(qn("w:sectPr"))
    references = [ref for tag in _REFERENCES for ref in source.findall(qn(tag))]
    for position, reference in enumerate(references):
        kind = _REFERENCES[reference.tag.replace(qn("w:"), "w:")]
        part = copy.part.related_parts[reference.get(qn("r:id"))]
        part.partname = master.part.package.next_partname(f"/word/{kind}%d.xml")
        moved = deepcopy(reference)
        moved.set(
            qn("r:id"), master.part.relate_to(part, RT.HEADER if kind == "header" else RT.FOOTER)
        )
        section.insert(position, moved)
    _count_section_pages(master.part, section, end)


def _count_section_pages(document_part: Any, section: Any, end: str) -> None:
    """Make "page 2 of 5" count the copy's pages, not the whole file's: the page count
    becomes the page number of the bookmark *end* on the copy's last paragraph, which
    page numbering restarted at 1 for the copy. Word's own SECTIONPAGES would say the
    same, but LibreOffice cannot compute it and prints its stored placeholder
    ("page 2 of 1"); a PAGEREF both compute."""
    from docx.oxml.ns import qn

    for reference in section:
        if reference.tag in (qn("w:headerReference"), qn("w:footerReference")):
            part = document_part.related_parts[reference.get(qn("r:id"))]
            for text in part.element.iter(qn("w:instrText")):
                text.text = text.text.replace("NUMPAGES", f"PAGEREF {end}")
            for field in part.element.iter(qn("w:fldSimple")):
                field.set(
                    qn("w:instr"), field.get(qn("w:instr")).replace("NUMPAGES", f"PAGEREF {end}")
                )


_JOIN = {"docx": join_handouts_apart, "pdf": join_pdfs}
