"""Hostile workbooks, built by hand in milliseconds: the files an attacker would send."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
FRAME = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": PACKAGE_RELS,
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
}


def sheet(cells: dict[str, str], dimension: str | None = None) -> str:
    """A worksheet holding ``cells`` (reference -> text, as inline strings)."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells.items():
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def shared_strings(count: int, unique: int) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" '
        f'uniqueCount="{unique}"><si><t>Comment</t></si></sst>'
    )


def workbook(
    sheet_xml: str, sst: str | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in FRAME.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if sst is not None:
            z.writestr("xl/sharedStrings.xml", sst)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


SOUND = sheet({"A1": "Comment", "B1": "Score", "A2": "Slow onboarding", "B2": "3"})


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)


def zip_bomb(path: Path, gigabytes: float = 5.0, declared: int | None = None) -> Path:
    """A workbook whose sheet unpacks to ``gigabytes`` of rows from a few megabytes: one
    deflated megabyte of rows, flushed so that it stands alone, repeated as often as needed
    (written in well under a second, never unpacked). ``declared`` states another unpacked
    size than the true one (a lie the readers must catch); the CRC is not computed."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    chunk = row * (1_000_000 // len(row))
    times = int(gigabytes * 1e9 // len(chunk))
    tail = b"</sheetData></worksheet>"
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_tail = packer.compress(tail) + packer.flush()
    packed_head, block = _deflated(head), _deflated(chunk)
    true_size = len(head) + len(chunk) * times + len(tail)
    entries: list[tuple[str, list[bytes], int, int, int]] = []  # name, pieces, size, crc, n
    for name, text in FRAME.items():
        raw = text.encode()
        entries.append(
            (
                name,
                [_deflated(raw) + zlib.compressobj(9, 8, -15).flush()],
                len(raw),
                zlib.crc32(raw),
                1,
            )
        )
    entries.append(
        (
            "xl/worksheets/sheet1.xml",
            [packed_head, block, packed_tail],
            declared if declared is not None else true_size,
            0,
            times,
        )
    )
    with path.open("wb") as out:
        directory = []
        for name, pieces, size, crc, repeat in entries:
            offset = out.tell()
            if len(pieces) == 1:
                packed = len(pieces[0])
            else:
                packed = len(pieces[0]) + len(pieces[1]) * repeat + len(pieces[2])
            raw_name = name.encode()
            extra = struct.pack("<HHQQ", 1, 16, size, packed)
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    45,
                    0,
                    8,
                    0,
                    0,
                    crc,
                    0xFFFFFFFF,
                    0xFFFFFFFF,
                    len(raw_name),
                    len(extra),
                )
            )
            out.write(raw_name + extra)
            if len(pieces) == 1:
                out.write(pieces[0])
            else:
                out.write(pieces[0])
                for _ in range(repeat):
                    out.write(pieces[1])
                out.write(pieces[2])
            directory.append((raw_name, crc, packed, size, offset))
        start = out.tell()
        for raw_name, crc, packed, size, offset in directory:
            extra = struct.pack("<HHQQQ", 1, 24, size, packed, offset)
            out.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    45,
                    45,
                    0,
                    8,
                    0,
                    0,
                    crc,
                    0xFFFFFFFF,
                    0xFFFFFFFF,
                    len(raw_name),
                    len(extra),
                    0,
                    0,
                    0,
                    0,
                    0xFFFFFFFF,
                )
            )
            out.write(raw_name + extra)
        end = out.tell()
        n = len(directory)
        out.write(
            struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, end - start, start)
        )
        out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        out.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
        )
    return path
