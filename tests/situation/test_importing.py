"""Reading CSV and XLSX files of indicator values: good files become rows, bad cells become
problems that name the line and the column."""

import inspect
import io
import re
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from samverkan.situation import importing
from samverkan.situation.importing import Problem, Row, read_rows

HEADER = "agreement,party,indicator,period,place,value"
PARTY = "556000-1231"
OTHER_PARTY = "212000-0142"


def csv_bytes(*lines: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return (newline.join((header, *lines)) + newline).encode()


def xlsx_bytes(*rows, sheets: int = 1) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    for number in range(1, sheets):
        workbook.create_sheet(f"Other {number}").append(["nothing", "here"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only_problem(data: bytes, filename: str = "values.csv") -> Problem:
    rows, problems = read_rows(data, filename)
    assert rows == [] and len(problems) == 1, problems
    return problems[0]


# --- Good files ------------------------------------------------------------------------------

def test_a_comma_separated_file_becomes_rows_with_normalised_cells():
    data = csv_bytes(
        f"42,{PARTY},Reported.Crime,2026-Q1,Centrum,12.5",
        ",,,,,",
        "0042,5560001231,reported.crime,2026-q2,,-3",
        f'"Dnr 2026/123, KS",{OTHER_PARTY},trygghet_1,2026,"  Stora   torget ",1e3',
    )
    rows, problems = read_rows(data, "values.csv")
    assert problems == []
    assert rows == [
        Row(2, "42", PARTY, "reported.crime", "2026-Q1", "Centrum", 12.5),
        Row(4, "42", PARTY, "reported.crime", "2026-Q2", "", -3.0),
        Row(5, "Dnr 2026/123, KS", OTHER_PARTY, "trygghet_1", "2026", "Stora torget", 1000.0),
    ]


def test_a_semicolon_file_from_swedish_excel_with_bom_crlf_and_decimal_commas():
    data = "\ufeff" + "\r\n".join([
        "Överenskommelse;PART;Indikator;Period;Plats;Värde",
        f'42;{PARTY};brott;2026-03;"Torget; norra";12,5',
        f'42;{PARTY};brott;2026-T2;"Sagt ""så""";0,25',
        "",
    ])
    rows, problems = read_rows(data.encode(), "Lägesbild.csv")
    assert problems == []
    assert [(row.line, row.period, row.place, row.value) for row in rows] == [
        (2, "2026-03", "Torget; norra", 12.5),
        (3, "2026-T2", 'Sagt "så"', 0.25),
    ]


def test_excels_unicode_text_is_utf16_and_tab_separated():
    data = "\r\n".join([HEADER.replace(",", "\t"), f"42\t{PARTY}\tbrott\t2026\tÅrsta\t1,5", ""])
    rows, problems = read_rows(data.encode("utf-16"), "values.txt")
    assert (rows, problems) == ([Row(2, "42", PARTY, "brott", "2026", "Årsta", 1.5)], [])


def test_place_is_optional_and_columns_may_come_in_any_order():
    data = csv_bytes(f"1,brott,{PARTY},2026-H1,7",
                     header="värde,indikator,part,period,överenskommelse")
    assert read_rows(data, "values.csv") == (
        [Row(2, "7", PARTY, "brott", "2026-H1", "", 1.0)], []
    )


def test_a_path_and_a_file_object_read_the_same_as_bytes(tmp_path):
    data = csv_bytes(f"42,{PARTY},brott,2026-Q1,,1")
    path = tmp_path / "values.csv"
    path.write_bytes(data)
    assert read_rows(path, "values.csv") == read_rows(str(path), "values.csv")
    assert read_rows(io.BytesIO(data), "values.csv") == read_rows(data, "values.csv")
    assert read_rows(data, "values.csv")[0][0].value == 1.0


def test_a_windows_1252_file_from_old_excel_keeps_its_swedish_letters():
    data = "Överenskommelse;Part;Indikator;Period;Plats;Värde\r\n" \
           f"42;{PARTY};brott;2026-Q1;Årsta gård;3,5\r\n"
    rows, problems = read_rows(data.encode("cp1252"), "gammal.csv")
    assert problems == []
    assert rows[0].place == "Årsta gård"


def test_an_xlsx_file_keeps_numbers_and_reads_excels_dates_as_months():
    data = xlsx_bytes(
        ["ÖVERENSKOMMELSE", "Part", "Indikator", "Period", "Plats", "Värde"],
        [42, 5560001231, "Brott", datetime(2026, 3, 1), None, 12.5],
        [None, None, None, None, None, None],
        [42.0, PARTY, "brott", 2026, 11122, 7],
        ["Dnr 2026/123", OTHER_PARTY, "brott", "2026-Q1", " Centrum ", "12,5"],
        [None, None, None, None, None, None],
        [None, None, None, None, None, None],
        sheets=2,
    )
    rows, problems = read_rows(data, "Lägesbild.xlsx")
    assert problems == []
    assert rows == [
        Row(2, "42", PARTY, "brott", "2026-03", "", 12.5),
        Row(4, "42", PARTY, "brott", "2026", "11122", 7.0),
        Row(5, "Dnr 2026/123", OTHER_PARTY, "brott", "2026-Q1", "Centrum", 12.5),
    ]


def test_an_xlsx_file_is_recognised_by_its_content_whatever_its_name():
    data = xlsx_bytes(HEADER.split(","), [42, PARTY, "brott", "2026-Q1", None, 1])
    assert read_rows(data, "export.csv")[0] == [Row(2, "42", PARTY, "brott", "2026-Q1", "", 1.0)]


def test_an_xlsx_date_that_is_not_the_first_of_a_month_is_no_period():
    data = xlsx_bytes(HEADER.split(","), [42, PARTY, "brott", datetime(2026, 3, 15), None, 1])
    problem = only_problem(data, "values.xlsx")
    assert (problem.line, problem.column) == (2, "period")
    assert problem.message.startswith("Datumet 2026-03-15 är ingen period")


def test_an_xlsx_value_that_is_not_a_number_names_the_cell():
    data = xlsx_bytes(
        HEADER.split(","),
        [42, PARTY, "brott", "2026-Q1", None, "#DIV/0!"],
        [42, PARTY, "brott", "2026-Q2", None, True],
        [42, PARTY, "brott", "2026-Q3", None, datetime(2026, 1, 1)],
        [42, PARTY, "brott", "2026-Q4", None, 0],
    )
    rows, problems = read_rows(data, "values.xlsx")
    assert [row.value for row in rows] == [0.0]
    assert [(p.line, p.column) for p in problems] == [(2, "value"), (3, "value"), (4, "value")]
    assert problems[0].message == "Värdet '#DIV/0!' är inget tal (not a number)"


# --- Problems in cells -----------------------------------------------------------------------

GOOD = ["42", PARTY, "brott", "2026-Q1", "Centrum", "12,5"]


@pytest.mark.parametrize(("column", "cell", "message"), [
    ("agreement", "", "Överenskommelse saknas"),
    ("agreement", "x" * 61, "är längre än 60 tecken"),
    ("party", "", "Part saknas"),
    ("party", "556000-1230", "'556000-1230': Ogiltigt organisationsnummer: kontrollsiffran"),
    ("party", "12345", "ange tio siffror"),
    ("party", "800101-1231", "personnummer"),
    ("indicator", "", "Indikator saknas"),
    ("indicator", "bad code", "Indikatorkoden 'bad code' är ogiltig"),
    ("indicator", "x", "är ogiltig"),
    ("indicator", "a" * 41, "är ogiltig"),
    ("period", "", "Period saknas"),
    ("period", "2026-Q5", "Okänd period '2026-Q5'"),
    ("period", "2026-q5", "Okänd period '2026-q5'"),
    ("period", "mars 2026", "Okänd period 'mars 2026'"),
    ("place", "p" * 201, "Platsen är längre än 200 tecken"),
    ("value", "", "Värde saknas"),
    ("value", "12,5,1", "Värdet '12,5,1' är inget tal (not a number)"),
    ("value", "tolv", "Värdet 'tolv' är inget tal (not a number)"),
    ("value", "12 %", "är inget tal"),
    ("value", "NaN", "Värdet 'NaN' är inget tal"),
    ("value", "inf", "är inget tal"),
    ("value", "1e999", "är för stort"),
    ("value", "1_000", "är inget tal"),
    ("value", "1 200", "Värdet '1 200' har tusentalsavgränsare"),
    ("value", "1\u00a0200,5", "har tusentalsavgränsare"),
    ("value", "1,200.5", "har tusentalsavgränsare"),
    ("value", "1.200,5", "har tusentalsavgränsare"),
    ("value", "1,200,300", "har tusentalsavgränsare"),
])
def test_each_bad_cell_is_a_problem_naming_its_line_and_column(column, cell, message):
    bad = list(GOOD)
    bad[importing.COLUMNS.index(column)] = cell
    data = "\n".join([";".join(importing.COLUMNS), ";".join(GOOD),
                      ";".join(bad), ";".join(GOOD[:3] + ["2026-Q2"] + GOOD[4:])]).encode()
    rows, problems = read_rows(data, "values.csv")
    assert [row.line for row in rows] == [2, 4]
    assert len(problems) == 1, problems
    assert (problems[0].line, problems[0].column) == (3, column)
    assert message in problems[0].message
    assert problems[0].message.endswith(")"), "English in brackets last"


@pytest.mark.parametrize(("text", "value"), [
    ("12,5", 12.5), ("12.5", 12.5), ("-3", -3.0), ("+3", 3.0), ("1e3", 1000.0),
    ("1,5E-2", 0.015), (",5", 0.5), ("5,", 5.0), (" 7 ", 7.0), ("\u22124,5", -4.5),
    ("1,200", 1.2), ("0", 0.0),
])
def test_numbers_are_swedish_or_english_decimals(text, value):
    rows, problems = read_rows(csv_bytes(f'42;{PARTY};brott;2026;;"{text}"',
                                         header=HEADER.replace(",", ";")), "values.csv")
    assert problems == []
    assert rows[0].value == value


def test_a_row_with_several_bad_cells_has_a_problem_for_each():
    rows, problems = read_rows(csv_bytes("x,1,?,2026-Q9,,abc"), "values.csv")
    assert rows == []
    assert [(p.line, p.column) for p in problems] == [
        (2, "party"), (2, "indicator"), (2, "period"), (2, "value")
    ]


def test_the_same_value_twice_is_a_problem_on_the_later_line_naming_the_earlier():
    data = csv_bytes(
        f"42,{PARTY},brott,2026-Q1,Centrum,1",
        f"42,{PARTY},brott,2026-Q1,,2",             # another place: the whole area
        f"42,{PARTY},brott,2026-Q2,Centrum,3",      # another period
        f"42,{OTHER_PARTY},brott,2026-Q1,Centrum,4",  # another party
        f"042,5560001231,BROTT,2026-q1, Centrum ,5",  # the first again, written differently
    )
    rows, problems = read_rows(data, "values.csv")
    assert [row.line for row in rows] == [2, 3, 4, 5]
    assert problems == [Problem(
        6, "", "Samma överenskommelse, part, indikator, period och plats som rad 2 "
               "(duplicate of line 2)"
    )]


# --- Problems with the header and the file ---------------------------------------------------

def test_missing_required_columns_are_named_and_no_row_is_read():
    data = csv_bytes(f"42,{PARTY},brott,12", header="agreement,party,indikator,value")
    rows, problems = read_rows(data, "values.csv")
    assert rows == []
    assert [(p.line, p.column) for p in problems] == [(1, "period")]
    assert problems[0].message == (
        "Kolumnen period (period) saknas i rubrikraden (required column missing)"
    )


def test_a_file_without_our_header_names_every_missing_column():
    _, problems = read_rows(csv_bytes(f"42;{PARTY};brott;2026;;1", header="a;b;c;d;e;f"),
                            "values.csv")
    missing = [p.column for p in problems if "saknas" in p.message]
    assert missing == list(importing.REQUIRED)
    assert len(problems) == 6 + 5


def test_an_unknown_column_is_named_and_the_rows_are_still_checked():
    data = csv_bytes(f"42,{PARTY},brott,2026-Q1,,1,anything",
                     f"42,{PARTY},brott,2026-Q9,,1,anything",
                     header=HEADER + ",Kommentar")
    rows, problems = read_rows(data, "values.csv")
    assert [row.line for row in rows] == [2]
    assert [(p.line, p.column) for p in problems] == [(1, "Kommentar"), (3, "period")]
    assert problems[0].message.startswith("Okänd kolumn 'Kommentar'")


def test_a_column_named_twice_is_a_problem():
    _, problems = read_rows(csv_bytes(f"42,{PARTY},brott,2026,,1,2", header=HEADER + ",värde"),
                            "values.csv")
    assert [(p.line, p.column) for p in problems] == [(1, "value")]
    assert "finns två gånger" in problems[0].message


def test_values_under_no_header_are_a_problem_but_empty_trailing_cells_are_not():
    data = csv_bytes(f"42,{PARTY},brott,2026-Q1,,1,,", f"42,{PARTY},brott,2026-Q2,,1,,5",
                     header=HEADER + ",,")
    rows, problems = read_rows(data, "values.csv")
    assert [row.line for row in rows] == [2]
    assert [(p.line, p.column) for p in problems] == [(3, "")]
    assert "kolumn utan rubrik" in problems[0].message


def test_blank_lines_before_the_header_are_skipped_and_still_counted():
    data = b"\n,,,\n" + csv_bytes(f"42,{PARTY},brott,2026-Q9,,1")
    _, problems = read_rows(data, "values.csv")
    assert [(p.line, p.column) for p in problems] == [(4, "period")]


@pytest.mark.parametrize("data", [b"", b"\n\n", b";;;\r\n"])
def test_an_empty_file_is_one_problem(data):
    assert only_problem(data).message.startswith("Filen är tom eller saknar rubrikrad")


def test_a_header_without_rows_is_one_problem():
    assert only_problem(csv_bytes()).message.startswith("Filen har inga rader med värden")


def test_a_file_that_is_not_text_is_one_problem():
    problem = only_problem(b"%PDF-1.7\n\x00\x01\x02binary", "values.csv")
    assert (problem.line, problem.column) == (1, "")
    assert problem.message.startswith("Filen är ingen textfil i UTF-8")


def test_bytes_not_even_windows_1252_are_one_problem():
    assert only_problem(b"agreement\x81;party\n").message.startswith("Filen är ingen textfil")


@pytest.mark.parametrize(("data", "message"), [
    (b"this is not a spreadsheet", "Filen är ingen giltig XLSX-fil"),
    (b"PK\x03\x04broken zip", "Filen är ingen giltig XLSX-fil"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excels gamla format .xls"),
])
def test_a_file_that_is_not_xlsx_is_one_problem(data, message):
    problem = only_problem(data, "values.xlsx")
    assert (problem.line, problem.column) == (1, "")
    assert message in problem.message


def test_a_zip_that_is_no_workbook_is_one_problem():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<document/>")  # e.g. an OpenDocument spreadsheet
    assert only_problem(buffer.getvalue(), "values.ods").message.startswith(
        "Filen är ingen giltig XLSX-fil"
    )


def test_a_malformed_csv_record_is_a_problem_not_an_exception():
    data = csv_bytes(f'42,{PARTY},brott,2026-Q1,"{"x" * 200_000}",1')
    rows, problems = read_rows(data, "values.csv")
    assert rows == []
    assert [(p.line, p.column) for p in problems] == [(2, "")]
    assert "malformed CSV" in problems[0].message


# --- Limits and progress ---------------------------------------------------------------------

def test_problems_stop_at_the_cap_with_a_count_of_the_rest():
    data = csv_bytes(*(f"42,{PARTY},brott,2026-Q1,,x{n}" for n in range(20)))
    rows, problems = read_rows(data, "values.csv", max_problems=5)
    assert rows == []
    assert [p.line for p in problems] == [2, 3, 4, 5, 6, 7]
    assert problems[-1] == Problem(
        7, "", "… och 15 problem till, från rad 7 (and 15 more problems)"
    )


def test_the_default_cap_keeps_a_broken_file_short():
    data = csv_bytes(*(f"42,{PARTY},brott,2026-Q1,,x" for _ in range(3_000)))
    _, problems = read_rows(data, "values.csv")
    assert len(problems) == importing.MAX_PROBLEMS + 1
    assert problems[-1].message.startswith("… och 2000 problem till")


def test_too_many_rows_is_a_problem():
    data = csv_bytes(*(f"42,{PARTY},brott,{2000 + n},,1" for n in range(5)), ",,,,,")
    rows, problems = read_rows(data, "values.csv", max_rows=3)
    assert [row.line for row in rows] == [2, 3, 4]
    assert [(p.line, p.column) for p in problems] == [(5, "")]
    assert problems[0].message.startswith("Filen har fler än 3 rader")


def test_too_large_a_file_is_one_problem(monkeypatch, tmp_path):
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    data = csv_bytes(*(f"42,{PARTY},brott,{2000 + n},,1" for n in range(5)))
    path = tmp_path / "values.csv"
    path.write_bytes(data)
    for source in (data, path, io.BytesIO(data)):
        assert only_problem(source).message.startswith("Filen är större än")


def test_progress_is_reported_every_thousand_rows_and_at_the_end():
    lines = [f"42,{PARTY},brott,{1000 + n},,1" for n in range(2_500)]
    calls = []
    rows, problems = read_rows(csv_bytes(*lines), "values.csv",
                               progress=lambda done, total: calls.append((done, total)))
    assert (len(rows), problems) == (2_500, [])
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_progress_of_an_xlsx_file_uses_the_stored_size():
    data = xlsx_bytes(HEADER.split(","),
                      *([42, PARTY, "brott", 1000 + n, None, n] for n in range(1_500)))
    calls = []
    rows, _ = read_rows(data, "values.xlsx", progress=lambda *call: calls.append(call))
    assert len(rows) == 1_500
    assert calls == [(1000, 1500), (1500, 1500)]


def test_an_xlsx_with_a_wrong_stored_size_is_still_read_to_the_end():
    data = xlsx_bytes(HEADER.split(","),
                      *([42, PARTY, "brott", 2000 + n, None, n] for n in range(3)))
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b'<dimension ref="A1:F4"/>' in parts[sheet]
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:F4"/>', b'<dimension ref="A1"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    rows, problems = read_rows(buffer.getvalue(), "values.xlsx")
    assert (len(rows), problems) == (3, [])


# --- The lean worksheet reader gives what openpyxl gives -------------------------------------

def rewrite_sheet(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = change(parts[sheet])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


def every_kind_of_cell(write_only: bool) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    rows = [
        ["text", "Årsta – ”citat” & <tag>", "  spaces  ", "", None, "=1+1"],
        [0, -3, 12.5, 1e-20, 1.5e300, 2**40],
        [True, False, datetime(2026, 3, 1), datetime(2026, 3, 15, 12, 30), date(1900, 3, 1)],
        [None, None, None, "after a gap"],
        [],
        [None],
        ["x" * 5000, 42],
    ]
    for row in rows:
        sheet.append(row)
    if not write_only:
        sheet.cell(row=12, column=8, value="far away")
        sheet["B9"].number_format = "yyyy-mm-dd"
        sheet["B9"] = 46082  # a number shown as a date
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def both_readers(data: bytes):
    from openpyxl import load_workbook

    def opened():
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        return workbook, sheet

    workbook, sheet = opened()
    lean = list(importing._sheet_values(workbook, sheet))
    workbook, sheet = opened()
    return lean, [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
@pytest.mark.parametrize("change", [
    lambda xml: xml,
    lambda xml: re.sub(rb'(<c[^>]*?) r="[A-Z]+[0-9]+"', rb"\1", xml),  # cells without r
    lambda xml: re.sub(rb'(<row[^>]*?) r="[0-9]+"', rb"\1", xml),      # rows without r
], ids=["as written", "no cell references", "no row numbers"])
def test_the_lean_reader_reads_every_cell_as_openpyxl_does(write_only, change):
    lean, reference = both_readers(rewrite_sheet(every_kind_of_cell(write_only), change))
    assert lean == reference
    assert any(value == datetime(2026, 3, 1) for row in lean for value in row)
    assert any(value == "Årsta – ”citat” & <tag>" for row in lean for value in row)


def test_an_xlsx_with_a_damaged_worksheet_is_a_problem_not_an_exception():
    data = rewrite_sheet(xlsx_bytes(HEADER.split(","), [42, PARTY, "brott", "2026", None, 1]),
                         lambda xml: xml[: len(xml) // 2 + 60])
    rows, problems = read_rows(data, "values.xlsx")
    assert rows == [] or problems
    assert problems and "(unreadable row)" in problems[-1].message


def test_without_the_lean_reader_openpyxls_own_gives_the_same_rows(monkeypatch):
    data = xlsx_bytes(["Överenskommelse", "Part", "Indikator", "Period", "Plats", "Värde"],
                      [42, 5560001231, "Brott", datetime(2026, 3, 1), None, 12.5],
                      [42, PARTY, "brott", "2026-Q9", "Torget", "x"])
    expected = read_rows(data, "values.xlsx")

    def moved(workbook, sheet):  # as if a later openpyxl had renamed what the lean reader uses
        return sheet._renamed_in_a_later_openpyxl

    monkeypatch.setattr(importing, "_sheet_values", moved)
    assert read_rows(data, "values.xlsx") == expected
    assert [p.column for p in expected[1]] == ["period", "value"]
    # The real one must raise when called, not at its first row, for the fallback to work.
    assert not inspect.isgeneratorfunction(importing._sheet_values)


def test_a_row_number_beyond_excels_last_row_is_a_problem_not_an_endless_gap():
    data = rewrite_sheet(
        xlsx_bytes(HEADER.split(","), [42, PARTY, "brott", "2026", None, 1]),
        lambda xml: xml.replace(b'<row r="2"', b'<row r="99999999999"'),
    )
    rows, problems = read_rows(data, "values.xlsx")
    assert rows == []
    assert [(p.line, p.column) for p in problems] == [(2, "")]
    assert "(unreadable row)" in problems[0].message
