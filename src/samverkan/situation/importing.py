"""Read a CSV or XLSX file of indicator values into rows, and say what is wrong with each row.

This is only the shape of the file: every cell is checked on its own (a period code that
parses, a number, a valid organisation number, text lengths), and a value named twice in the
file is caught. Whether the agreement, party, indicator and round exist is the service's
question; it adds its own problems and imports all or nothing.

Decisions a person importing a file meets:
- Format: a file that starts like a ZIP archive is read as XLSX, whatever its name; the old
  binary .xls format is refused with a hint; everything else is read as CSV.
- CSV: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"); a file that is
  not UTF-8 is read as Windows-1252 (what Excel on a Swedish Windows writes as "CSV
  (semikolonavgränsad)"), which keeps å, ä and ö right. A file with NUL bytes is not text and
  gets one problem. The separator (';', ',' or tab) is the one the header line uses most.
  Line numbers are records, as Excel numbers rows (header = 1), blank lines included.
- XLSX: the first worksheet; cells typed as numbers stay numbers. A date in the period column
  (Excel turns a typed 2026-03 into 1 March 2026) is read as that month, but only when it is
  the first of a month at midnight: any other date is no period and is refused. The
  worksheet's stored size is only used for the progress total, never to stop reading, since
  some programs write a wrong one. openpyxl opens the workbook (read-only, cached formula
  values); the cells are read by a lean parser of the sheet's XML that gives the same values
  in half the time (_sheet_values), with openpyxl's iter_rows as the fallback.
- Header: the first non-empty row; names are matched case-insensitively, in English or
  Swedish (ALIASES). `place` may be left out. Unknown columns are problems; with a required
  column missing no row is read.
- Values: "12,5", "12.5", "-3", "+3", "1e3" and "1,5E-2" are numbers (exports from
  statistics programs write exponents); thousands separators ("1 200", "1,200.5",
  "1.200,5") are refused with their own message. "1,200" is 1.2: the file format has no
  thousands separators, so a lone comma is always a decimal comma. NaN and infinity are
  refused.
- Normalised in the rows: the org number as NNNNNN-NNNN, the indicator code in lower case,
  the period as its canonical code (a lower-case "2026-q1" is accepted as 2026-Q1), an
  agreement given as digits without leading zeros, the place stripped with runs of white
  space made one space ("" = the whole area).
- Completely empty rows are skipped; a header without any row is a problem. A row that has a
  problem is not in the returned rows; a file with any problem must import nothing.
- Limits: MAX_PROBLEMS problems, then one "… och N problem till" problem; more than MAX_ROWS
  non-empty rows or a file larger than MAX_BYTES is one problem and reading stops.
- Problem.column is the English column name (COLUMN_LABELS has the Swedish ones), the header
  as written for an unknown column, or "" for the whole row or file (line 1).
"""

import codecs
import csv
import io
import math
import os
import re
from xml.etree import ElementTree
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from samverkan.schemas import normalise_org_number
from samverkan.situation.periods import parse_period

COLUMNS = ("agreement", "party", "indicator", "period", "place", "value")
REQUIRED = ("agreement", "party", "indicator", "period", "value")
# Header names as people write them; matched after strip() and casefold().
ALIASES = {
    "agreement": "agreement", "överenskommelse": "agreement", "overenskommelse": "agreement",
    "party": "party", "part": "party",
    "indicator": "indicator", "indikator": "indicator",
    "period": "period",
    "place": "place", "plats": "place",
    "value": "value", "värde": "value", "varde": "value",
}
# The Swedish name of each column, for reports shown to people.
COLUMN_LABELS = {
    "agreement": "överenskommelse", "party": "part", "indicator": "indikator",
    "period": "period", "place": "plats", "value": "värde",
}

MAX_PROBLEMS = 1_000          # then one "… and N more" problem
MAX_ROWS = 1_000_000          # non-empty data rows
MAX_BYTES = 100_000_000       # size of the file as uploaded
PROGRESS_EVERY = 1_000        # rows between progress(done, total) calls

MAX_AGREEMENT = 60            # agreement.registration_number is Varchar(60)
MAX_PLACE = 200
INDICATOR_CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{1,39}")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f'.,]\d{3})+(?:[.,]\d*)?")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Row:
    line: int            # the row number as a person sees it in the file (header = 1)
    agreement: str       # an agreement id (digits) or a registration number (diarienummer)
    party: str           # organisation number, NNNNNN-NNNN
    indicator: str       # indicator code, lower case
    period: str          # canonical period code, e.g. 2026-Q1
    place: str           # "" = the whole area
    value: float


@dataclass(frozen=True, slots=True)
class Problem:
    line: int            # 1 = the header, or the file as a whole
    column: str          # one of COLUMNS, an unknown header as written, or "" (the whole row/file)
    message: str         # Swedish first, then English in brackets


Progress = Callable[[int, int | None], None]


def read_rows(
    path_or_bytes: str | os.PathLike | bytes | bytearray | memoryview | BinaryIO,
    filename: str,
    *,
    progress: Progress | None = None,
    max_problems: int = MAX_PROBLEMS,
    max_rows: int = MAX_ROWS,
) -> tuple[list[Row], list[Problem]]:
    """The valid rows of a CSV or XLSX file and the problems of the others.

    path_or_bytes is a path, the file's bytes or a binary file object; filename is the name
    the person gave the file (its extension helps tell XLSX from CSV). progress(done, total)
    is called every PROGRESS_EVERY data rows and once at the end with done == total; total is
    an estimate from the file (lines of a CSV, the stored size of a worksheet) or None when
    the file does not tell. Never raises for a bad file: it is described in the problems.
    Blocking: call it in a worker thread from async code.
    """
    data = _read_bytes(path_or_bytes)
    if data is None:
        return [], [_file_problem(
            f"Filen är större än {MAX_BYTES // 1_000_000} MB: dela upp den "
            f"(file larger than {MAX_BYTES // 1_000_000} MB)"
        )]
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        records, total, problem = _xlsx_records(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return [], [_file_problem(
            "Filen är i Excels gamla format .xls eller lösenordsskyddad: spara den som .xlsx "
            "utan lösenord eller som CSV UTF-8 (old .xls or encrypted workbooks are not supported)"
        )]
    elif name.endswith((".xlsx", ".xlsm")):
        return [], [_not_xlsx()]
    else:
        records, total, problem = _csv_records(data)
    if problem is not None:
        return [], [problem]
    return _parse(records, total, progress, max_problems, max_rows)


def _read_bytes(source) -> bytes | None:
    """The file's content, or None when it is larger than MAX_BYTES."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read(MAX_BYTES + 1)
    else:
        if os.path.getsize(source) > MAX_BYTES:
            return None
        with open(source, "rb") as file:
            data = file.read()
    return None if len(data) > MAX_BYTES else data


def _file_problem(message: str) -> Problem:
    return Problem(1, "", message)


def _not_xlsx() -> Problem:
    return _file_problem("Filen är ingen giltig XLSX-fil (not a valid XLSX file)")


# --- CSV -------------------------------------------------------------------------------------

def _decode(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in data:
        return None
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if "\x00" in text else text
    return None


def _csv_records(data: bytes):
    text = _decode(data)
    if text is None:
        return None, None, _file_problem(
            "Filen är ingen textfil i UTF-8: spara den som CSV UTF-8 eller .xlsx "
            "(the file is not UTF-8 text)"
        )
    # The header is the first line with a letter in it; blank lines may come before it.
    letter = _LETTER.search(text)
    first = ""
    if letter is not None:
        end = text.find("\n", letter.start())
        first = text[text.rfind("\n", 0, letter.start()) + 1: end if end >= 0 else None]
    counts = {separator: first.count(separator) for separator in (";", ",", "\t")}
    separator = max(counts, key=lambda s: counts[s])
    # Physical lines: at least as many as records, so the estimate never falls short.
    total = max(text.count("\n") - (1 if text.endswith("\n") else 0), 0)
    return _csv_lines(text, separator), total, None


def _csv_lines(text: str, separator: str) -> Iterator[tuple[int, Sequence]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line + 1, _Broken(f"Raden går inte att läsa som CSV: {error} (malformed CSV)")
            return
        line += 1
        yield line, cells


class _Broken(str):
    """A record the CSV reader gave up on; its text is the problem."""


# --- XLSX ------------------------------------------------------------------------------------

def _xlsx_records(data: bytes):
    # Imported here: openpyxl takes a while to import and a CSV import never needs it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        stored_rows = sheet.max_row
    except Exception:  # openpyxl raises anything from KeyError to zipfile.BadZipFile
        return None, None, _not_xlsx()
    # The stored size may be wrong (some programs write "A1"); iter_rows would stop there.
    sheet.reset_dimensions()
    total = stored_rows - 1 if stored_rows and stored_rows > 1 else None
    return _xlsx_lines(workbook, sheet), total, None


def _xlsx_lines(workbook, sheet) -> Iterator[tuple[int, Sequence]]:
    line = 0
    try:
        try:
            cells_by_row = _sheet_values(workbook, sheet)
        except AttributeError:  # openpyxl's insides moved: take its own, slower, way
            cells_by_row = sheet.iter_rows(values_only=True)
        for cells in cells_by_row:
            line += 1
            yield line, cells
    except Exception as error:  # a damaged worksheet inside a valid ZIP
        yield line + 1, _Broken(f"Raden går inte att läsa: {error} (unreadable row)")
    finally:
        workbook.close()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _VALUE = _MAIN + "row", _MAIN + "v"
_INLINE, _TEXT, _RUN = _MAIN + "is", _MAIN + "t", _MAIN + "r"


EXCEL_ROWS = 1_048_576         # a row number beyond this is a damaged file, not a gap to fill


def _sheet_values(workbook, sheet) -> Iterator[tuple]:
    """The rows of a read-only worksheet as tuples of values, like
    sheet.iter_rows(values_only=True) after sheet.reset_dimensions(), in half the time:
    openpyxl builds a dictionary and several objects per cell (100,000 rows took 3.4 s that
    way, 1.8 s this way). The workbook's parts (shared strings, date styles, epoch) come from
    openpyxl's private attributes; AttributeError, raised here and not on the first row, says
    they moved. Tests compare the two readers cell by cell.
    """
    shared = sheet._shared_strings
    dates, durations, epoch = workbook._date_formats, workbook._timedelta_formats, workbook.epoch
    return _sheet_rows(sheet._get_source(), shared, dates, durations, epoch)


def _sheet_rows(source, shared, dates, durations, epoch) -> Iterator[tuple]:
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    columns: dict[str, int] = {}
    row_number = 0
    with source:
        for _, element in ElementTree.iterparse(source):
            if element.tag != _ROW:
                continue
            number = element.get("r")
            number = int(number) if number else row_number + 1
            if number > EXCEL_ROWS:
                raise ValueError(f"row {number} > {EXCEL_ROWS}")
            while row_number + 1 < number:  # rows the file leaves out are empty
                row_number += 1
                yield ()
            row_number = number
            values: list = []
            for cell in element:
                reference = cell.get("r")
                if reference:
                    letters = reference.rstrip("0123456789")
                    column = columns.get(letters)
                    if column is None:
                        column = columns[letters] = column_index_from_string(letters)
                    if column > len(values) + 1:
                        values.extend([None] * (column - 1 - len(values)))
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    inline = cell.find(_INLINE)
                    value = None
                    if inline is not None:
                        plain = inline.findtext(_TEXT)
                        value = (plain or "") + "".join(
                            run.findtext(_TEXT) or "" for run in inline.iterfind(_RUN)
                        )
                else:
                    value = cell.findtext(_VALUE) or None
                    if value is None:
                        pass
                    elif kind == "n":
                        value = float(value) if "." in value or "E" in value or "e" in value \
                            else int(value)
                        style = cell.get("s")
                        if style and int(style) in dates:
                            try:
                                value = from_excel(value, epoch,
                                                   timedelta=int(style) in durations)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif kind == "s":
                        value = shared[int(value)]
                    elif kind == "b":
                        value = bool(int(value))
                    elif kind == "d":
                        value = from_ISO8601(value)
                values.append(value)
            # Only an empty element stays in the tree: asking for "start" events to find and
            # empty its parent would double the events, which cost more than the cells.
            element.clear()
            yield tuple(values)


# --- Rows ------------------------------------------------------------------------------------

class _Problems:
    """Problems up to a cap; past it only counted."""

    def __init__(self, cap: int) -> None:
        self.items: list[Problem] = []
        self.cap = cap
        self.omitted = 0
        self.first_omitted = 0

    def add(self, line: int, column: str, message: str) -> None:
        if len(self.items) < self.cap:
            self.items.append(Problem(line, column, message))
        else:
            if not self.omitted:
                self.first_omitted = line
            self.omitted += 1

    def result(self) -> list[Problem]:
        if self.omitted:
            return self.items + [Problem(
                self.first_omitted, "",
                f"… och {self.omitted} problem till, från rad {self.first_omitted} "
                f"(and {self.omitted} more problems)",
            )]
        return self.items


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _text(cell) -> str:
    """A cell as text: XLSX numbers without a trailing .0, dates as ISO dates."""
    if cell is None:
        return ""
    if cell.__class__ is str:
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return (cell.date() if cell.time() == datetime.min.time() else cell).isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _header(cells: Sequence, problems: _Problems) -> tuple[dict[str, int], int] | None:
    """Where each known column is, and how wide the header is; None when one is missing."""
    where: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _text(cell).lstrip("\ufeff").strip()
        if not name:
            continue
        column = ALIASES.get(_SPACES.sub(" ", name).casefold())
        if column is None:
            problems.add(1, name, (
                f"Okänd kolumn {_shown(name)}: tillåtna är {', '.join(COLUMN_LABELS.values())} "
                f"(unknown column; allowed: {', '.join(COLUMNS)})"
            ))
        elif column in where:
            problems.add(1, column, (
                f"Kolumnen {column} ({COLUMN_LABELS[column]}) finns två gånger "
                "(column appears twice)"
            ))
        else:
            where[column] = index
    missing = [column for column in REQUIRED if column not in where]
    for column in missing:
        problems.add(1, column, (
            f"Kolumnen {column} ({COLUMN_LABELS[column]}) saknas i rubrikraden "
            "(required column missing)"
        ))
    return None if missing else (where, len(cells))


def _parse(
    records: Iterable[tuple[int, Sequence]],
    total: int | None,
    progress: Progress | None,
    max_problems: int,
    max_rows: int,
) -> tuple[list[Row], list[Problem]]:
    problems = _Problems(max_problems)
    add = problems.add
    records = iter(records)
    for line, cells in records:
        if isinstance(cells, _Broken):
            add(line, "", str(cells))
            return [], problems.result()
        if any(_text(cell) for cell in cells):
            break
    else:
        return [], [_file_problem(
            "Filen är tom eller saknar rubrikrad (empty file or no header row)"
        )]
    header_line = line
    found = _header(cells, problems)
    if found is None:
        return [], problems.result()
    where, width = found
    i_agreement, i_party, i_indicator, i_period, i_value = (
        where[column] for column in REQUIRED
    )
    i_place = where.get("place")
    last = max(where.values())
    unnamed = [index for index, cell in enumerate(cells) if not _text(cell)]

    rows: list[Row] = []
    first_line: dict[tuple, int] = {}
    parties: dict[str, str | Exception] = {}
    indicators: dict[str, str | None] = {}
    periods: dict[object, str | Exception] = {}
    agreements: dict[str, str | None] = {}
    count = 0                 # non-empty data rows
    done = 0                  # data rows, empty ones included
    countdown = PROGRESS_EVERY
    no_text = ""
    for line, cells in records:
        done = line - header_line
        if progress is not None:
            countdown -= 1
            if not countdown:
                countdown = PROGRESS_EVERY
                progress(done, total if total is not None and total >= done else None)
        if cells.__class__ is _Broken:
            add(line, "", str(cells))
            break
        # any() alone would also skip a row whose only cell is the number 0.
        if not any(cells) and all(cell is None or cell == "" for cell in cells):
            continue
        size = len(cells)
        if size <= last:
            cells = list(cells) + [None] * (last + 1 - size)

        raw = cells[i_agreement]
        agreement = raw.strip() if raw.__class__ is str else _text(raw)
        raw = cells[i_party]
        party = raw.strip() if raw.__class__ is str else _text(raw)
        raw = cells[i_indicator]
        indicator = raw.strip() if raw.__class__ is str else _text(raw)
        period_cell = cells[i_period]
        period = period_cell.strip() if period_cell.__class__ is str else _text(period_cell)
        if i_place is None:
            place = no_text
        else:
            raw = cells[i_place]
            place = raw.strip() if raw.__class__ is str else _text(raw)
        value_cell = cells[i_value]
        value_text = value_cell.strip() if value_cell.__class__ is str else None
        if not (agreement or party or indicator or period or place or value_text
                or (value_cell is not None and value_text is None)):
            continue  # only white space, or cells under unknown columns
        count += 1
        if count > max_rows:
            problems.items.append(Problem(line, "", (
                f"Filen har fler än {max_rows:,} rader: dela upp den ".replace(",", " ")
                + f"(more than {max_rows:,} rows: split the file)"
            )))
            break
        ok = True

        if size > width or unnamed:
            extra = [cells[index] for index in unnamed if index < size] + list(cells[width:])
            if any(_text(cell) for cell in extra):
                add(line, "", "Raden har värden i en kolumn utan rubrik "
                              "(values in a column without a header)")
                ok = False

        # agreement
        known = agreements.get(agreement, False)
        if known is False:
            if not agreement or len(agreement) > MAX_AGREEMENT:
                known = None
            elif agreement.isdigit() and agreement.isascii():
                known = str(int(agreement))
            else:
                known = agreement
            agreements[agreement] = known
        if known is None:
            ok = False
            add(line, "agreement", (
                f"Överenskommelsen {_shown(agreement)} är längre än {MAX_AGREEMENT} tecken: "
                f"ange id eller diarienummer (longer than {MAX_AGREEMENT} characters)"
                if agreement else
                "Överenskommelse saknas: ange id eller diarienummer (agreement missing)"
            ))
        else:
            agreement = known

        # party
        known = parties.get(party)
        if known is None:
            if not party:
                known = ValueError(
                    "Part saknas: ange organisationsnummer (party missing)"
                )
            else:
                try:
                    known = normalise_org_number(party)
                except ValueError as error:
                    known = ValueError(f"{_shown(party)}: {error}")
            parties[party] = known
        if known.__class__ is str:
            party = known
        else:
            ok = False
            add(line, "party", str(known))

        # indicator
        known = indicators.get(indicator, False)
        if known is False:
            code = indicator.lower()
            known = code if INDICATOR_CODE.fullmatch(code) else None
            indicators[indicator] = known
        if known is None:
            ok = False
            add(line, "indicator", (
                f"Indikatorkoden {_shown(indicator)} är ogiltig: 2–40 tecken, a–z, 0–9, "
                "_ . - (invalid indicator code)"
                if indicator else "Indikator saknas (indicator missing)"
            ))
        else:
            indicator = known

        # period
        key = period_cell if period_cell.__class__ is not str else period
        known = periods.get(key)
        if known is None:
            known = _period(period_cell, period)
            periods[key] = known
        if known.__class__ is str:
            period = known
        else:
            ok = False
            add(line, "period", str(known))

        # place
        if place:
            if len(place) > MAX_PLACE:
                ok = False
                add(line, "place", f"Platsen är längre än {MAX_PLACE} tecken "
                                   f"(place longer than {MAX_PLACE} characters)")
            elif "  " in place or "\n" in place or "\t" in place or "\r" in place:
                place = _SPACES.sub(" ", place)

        # value
        if value_text is not None:
            value, message = _number(value_text)
        else:
            value, message = _cell_number(value_cell)
        if message is not None:
            ok = False
            add(line, "value", message)

        if ok:
            key = (agreement, party, indicator, period, place)
            earlier = first_line.setdefault(key, line)
            if earlier != line:
                add(line, "", (
                    f"Samma överenskommelse, part, indikator, period och plats som rad {earlier} "
                    f"(duplicate of line {earlier})"
                ))
            else:
                rows.append(Row(line, agreement, party, indicator, period, place, value))

    if progress is not None:
        progress(done, done)
    if not count and not problems.items:
        problems.add(header_line, "", "Filen har inga rader med värden (the file has no data rows)")
    return rows, problems.result()


def _period(cell, text: str) -> str | Exception:
    """The canonical code of a period cell, or the error to report."""
    if isinstance(cell, datetime):
        if cell.day == 1 and cell.time() == datetime.min.time():
            return f"{cell.year}-{cell.month:02d}"
        return ValueError(
            f"Datumet {_text(cell)} är ingen period: skriv t.ex. 2026-03 eller 2026-Q1 "
            "(a date is not a period)"
        )
    if not text:
        return ValueError("Period saknas (period missing)")
    try:
        return parse_period(text).code
    except ValueError as error:
        if text == text.upper():
            return error
    try:
        return parse_period(text.upper()).code  # "2026-q1"
    except ValueError as error:
        return ValueError(str(error).replace(repr(text.upper()), repr(text), 1))


def _number(text: str) -> tuple[float, str | None]:
    if _NUMBER.fullmatch(text):
        value = float(text.replace(",", "."))
        if math.isinf(value):
            return 0.0, f"Värdet {_shown(text)} är för stort (number too large)"
        return value, None
    if not text:
        return 0.0, "Värde saknas: ta bort raden om värdet inte finns (value missing)"
    if "\u2212" in text:  # the minus sign of typeset text, e.g. copied from a report
        return _number(text.replace("\u2212", "-"))
    if _GROUPED.fullmatch(text):
        return 0.0, (
            f"Värdet {_shown(text)} har tusentalsavgränsare: skriv t.ex. 1200 eller 1200,5 "
            "(thousands separators are not allowed)"
        )
    return 0.0, f"Värdet {_shown(text)} är inget tal (not a number)"


def _cell_number(cell) -> tuple[float, str | None]:
    if cell is None:
        return 0.0, "Värde saknas: ta bort raden om värdet inte finns (value missing)"
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        value = float(cell)
        if math.isfinite(value):
            return value, None
    return 0.0, f"Värdet {_shown(_text(cell))} är inget tal (not a number)"
