"""Termbase files: TBX v2/v3, CSV/TSV and OmegaT glossaries read back what was written; bad files are one line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import SAMPLES
from tmkit.atomic import WriteError
from tmkit.errors import InputError
from tmkit.terms.files import TermFormat, load_termbase, save_termbase, term_format_of
from tmkit.terms.model import Concept, Extra, Term, Termbase, TermStatus
from tmkit.terms.tables import dumps_glossary, dumps_table, parse_glossary, parse_table
from tmkit.terms.tbx import dumps_tbx, parse_tbx, read_tbx

# Vocalised Arabic with hamza forms and tatweel, Latin, XML specials, bidi marks, an emoji, white space.
ARABIC = "ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآةىئؤ" + "\u064b\u064e\u064f\u0650\u0651\u0652\u0640"
ALPHABET = ARABIC + "٠١٢٣abcXYZ019" + "<>&\"'؟،;.,-" + "\u200f\u200e" + "\U0001f600" + " "
text = st.text(alphabet=ALPHABET, min_size=1, max_size=20)
optional = st.none() | text
when = st.none() | st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.none() | st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
langs = st.sampled_from(["ar", "en", "ar-SA", "en-GB", "fr"])
statuses = st.none() | st.sampled_from(list(TermStatus))
extra = st.builds(
    Extra, st.sampled_from(["descrip", "termNote", "admin"]), st.sampled_from(["context", "termType", "x-mine"]), text
)


@st.composite
def terms(draw: st.DrawFn, *, table: bool = False) -> Term:
    return Term(
        draw(text),
        draw(langs),
        status=draw(statuses),
        part_of_speech=draw(optional),
        note=draw(optional),
        definition=draw(optional),
        source=draw(optional),
        created=draw(when),
        modified=draw(when),
        extras=() if table else tuple(draw(st.lists(extra, max_size=2))),
    )


def _grouped(concept: Concept) -> Concept:
    """The concept with its terms grouped by language in order of first use (how every format writes them)."""
    order = list(dict.fromkeys(t.lang for t in concept.terms))
    concept.terms = sorted(concept.terms, key=lambda t: order.index(t.lang))
    return concept


@st.composite
def termbases(draw: st.DrawFn, *, table: bool = False) -> Termbase:
    base = Termbase(lang=draw(st.none() | langs), description=draw(optional))
    if table:
        base.lang, base.description = None, None
    for number in range(draw(st.integers(0, 4))):
        concept_terms = draw(st.lists(terms(table=table), min_size=1, max_size=4))
        concept = Concept(
            f"c{number + 1}",
            concept_terms,
            subject=draw(optional),
            definition=draw(optional),
            note=draw(optional),
            language_definitions={t.lang: draw(text) for t in concept_terms if draw(st.booleans())},
            extras=() if table else tuple(draw(st.lists(extra, max_size=2))),
        )
        base.concepts.append(_grouped(concept))
    return base


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(termbases(), st.sampled_from([2, 3]))
def test_tbx_round_trip_loses_nothing(termbase: Termbase, version: int) -> None:
    data = dumps_tbx(termbase, version=version)
    read = parse_tbx(data)
    assert read.version == version and not read.skipped
    assert read.termbase == termbase
    assert dumps_tbx(read.termbase, version=version) == data  # deterministic


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(termbases(table=True), st.sampled_from([",", "\t"]))
def test_csv_and_tsv_round_trip_loses_nothing(termbase: Termbase, delimiter: str) -> None:
    written, report = dumps_table(termbase, delimiter=delimiter)
    assert not report.dropped
    # A table has one column per language for the whole file: each concept's terms come back in that order.
    order = termbase.languages()
    for concept in termbase.concepts:
        concept.terms.sort(key=lambda t: order.index(t.lang))
    assert parse_table(written, delimiter=delimiter).termbase == termbase


glossary_field = st.text(alphabet=ALPHABET.replace(" ", "") + " ", min_size=1, max_size=15).filter(
    lambda s: s.strip() and not s.startswith("#")
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(glossary_field, glossary_field, st.none() | glossary_field), max_size=6),
    st.none() | st.text(alphabet="abc ابت", max_size=10),
)
def test_omegat_glossary_round_trip_loses_nothing(
    entries: list[tuple[str, str, str | None]], comment: str | None
) -> None:
    base = Termbase(lang="ar", description=comment)
    for number, (source, target, note) in enumerate(entries, 1):
        base.concepts.append(Concept(f"c{number}", [Term(source, "ar"), Term(target, "en")], note=note))
    written, report = dumps_glossary(base, source_lang="ar", target_lang="en")
    assert not report.dropped
    assert parse_glossary(written, source_lang="ar", target_lang="en").termbase == base


def test_a_glossary_cannot_mark_forbidden_terms_so_they_are_left_out_and_said() -> None:
    base = Termbase(
        concepts=[
            Concept("c1", [Term("لجنة", "ar"), Term("commission", "en"), Term("committee", "en", TermStatus.FORBIDDEN)])
        ]
    )
    written, report = dumps_glossary(base, source_lang="ar", target_lang="en")
    assert written == "لجنة\tcommission\n"
    assert report.dropped == [("c1", "1 forbidden target term(s): the glossary cannot mark them")]


def test_tbx_v2_from_another_tool_is_read_with_its_ntig_terms_and_what_is_left_out_is_named() -> None:
    data = """<?xml version="1.0"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="e7">
  <descripGrp><descrip type="subjectField">economy</descrip></descripGrp>
  <langSet xml:lang="en"><ntig><termGrp><term>joint commission</term>
    <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp>
    <admin type="source">style sheet</admin></ntig></langSet>
  <langSet xml:lang="ar"><tig><term>اللجنة المشتركة</term><termNote type="partOfSpeech">noun</termNote>
    <transacGrp><transac type="transactionType">origination</transac><date>2024-05-01</date></transacGrp>
    <mystery>x</mystery><foo><bar/></foo></tig></langSet>
</termEntry></body></text></martif>""".encode()
    read = parse_tbx(data)
    concept = read.termbase.concepts[0]
    assert concept.id == "e7" and concept.subject == "economy"
    en, ar = concept.terms
    assert (en.text, en.status, en.source) == ("joint commission", TermStatus.PREFERRED, "style sheet")
    assert (ar.lang, ar.part_of_speech, ar.created) == ("ar", "noun", datetime(2024, 5, 1))
    assert ar.extras == (Extra("mystery", "mystery", "x"),)
    assert read.skipped == [(11, "<foo> in a term")]


def test_tbx_basic_language_definitions_in_a_group_and_every_note_are_read() -> None:
    """As LTAC's TBX-Basic sample (Example_Astronomy_DCA_VALID.tbx) writes them: a language's definition with its
    source in a `descripGrp`, two notes on a term. The definitions were left out and only the last note kept."""
    data = """<?xml version="1.0" encoding="utf-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
<conceptEntry id="c1"><note>G-Source: one</note><note>G-Source: two</note>
  <langSec xml:lang="en">
    <descripGrp><descrip type="definition">A group of stars formed together.</descrip>
      <admin type="source">Oxford2007</admin></descripGrp>
    <termSec><term>galactic cluster</term>
      <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote>
      <note>Another name for an open star cluster.</note><note>N-Source: a glossary</note></termSec>
  </langSec>
  <langSec xml:lang="ar"><descrip type="definition">مجموعة من النجوم</descrip>
    <termSec><term>عنقود مجري</term></termSec></langSec>
</conceptEntry></body></text></tbx>""".encode()
    read = parse_tbx(data)
    [concept] = read.termbase.concepts
    assert concept.language_definitions == {"en": "A group of stars formed together.", "ar": "مجموعة من النجوم"}
    assert concept.note == "G-Source: one\nG-Source: two"
    assert concept.terms[0].note == "Another name for an open star cluster.\nN-Source: a glossary"
    assert read.skipped == [(6, "<admin> in a language section")]


def test_entries_left_out_are_named_once_a_kind_with_how_many_and_where(tmp_path: Path) -> None:
    """A TBX-Basic export with a transaction group on every language section was hundreds of warnings (and in the
    editor as many notices), one a line; now one line a kind."""
    groups = "".join(
        f'<termEntry id="e{n}"><langSet xml:lang="en"><transacGrp><transac>origination</transac></transacGrp>'
        f"<tig><term>term {n}</term></tig></langSet></termEntry>\n"
        for n in range(6)
    )
    path = tmp_path / "many.tbx"
    path.write_text(
        f'<martif type="TBX-Basic"><text><body>\n{groups}<termEntry id="x"><foo><bar/></foo></termEntry>\n</body></text></martif>',
        encoding="utf-8",
    )
    assert load_termbase(path).notes == [
        f"{path}:2: left out <transacGrp> in a language section, and 5 more so (lines 3, 4, 5, …)",
        f"{path}:8: left out <foo> in a concept",
    ]


def test_tbx_v3_dct_style_is_read() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dct" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic" xmlns:min="http://www.tbxinfo.net/ns/min">
<tbxHeader><fileDesc><sourceDesc><p>from a vendor</p></sourceDesc></fileDesc></tbxHeader>
<text><body><conceptEntry id="c9"><min:subjectField>health</min:subjectField>
<langSec xml:lang="en"><termSec><term>pandemic</term><basic:partOfSpeech>noun</basic:partOfSpeech>
<min:administrativeStatus>preferredTerm-admn-sts</min:administrativeStatus></termSec>
<termSec><term>epidemic</term><min:administrativeStatus>deprecatedTerm-admn-sts</min:administrativeStatus></termSec>
</langSec></conceptEntry></body></text></tbx>"""
    read = parse_tbx(data)
    assert read.version == 3 and read.termbase.description == "from a vendor"
    concept = read.termbase.concepts[0]
    assert concept.subject == "health"
    assert [(t.text, t.status, t.part_of_speech) for t in concept.terms] == [
        ("pandemic", TermStatus.PREFERRED, "noun"),
        ("epidemic", TermStatus.FORBIDDEN, None),
    ]


@pytest.mark.parametrize(
    ("data", "line", "says"),
    [
        (b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x "boom">]>\n<martif><text/></martif>', 2, "entities"),
        (b"<martif>\n<text><body>\n<termEntry>&x;</termEntry></body></text></martif>", 3, "Entity 'x' not defined"),
        (b"<martif>\n<text>\n</martif>", 3, "mismatch"),
        (b"<tmx version='1.4'/>", 1, "not a TBX document"),
        (
            b"<martif><text><body><termEntry>\n<langSet><tig><term>a</term></tig></langSet></termEntry></body></text></martif>",
            2,
            "without xml:lang",
        ),
        (
            b"<martif><text><body><termEntry><langSet xml:lang='en'><tig><term>a</term>\n<transacGrp>"
            b"<transac>origination</transac><date>yesterday</date></transacGrp></tig></langSet></termEntry></body></text></martif>",
            2,
            "bad date 'yesterday'",
        ),
    ],
)
def test_a_bad_or_hostile_tbx_is_one_error_naming_file_and_line(
    tmp_path: Path, data: bytes, line: int, says: str
) -> None:
    path = tmp_path / "bad.tbx"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_tbx(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: ") and says in message and "\n" not in message


@pytest.mark.parametrize(
    ("name", "text", "line", "says"),
    [
        ("g.txt", "# mine\nلجنة\tcommittee\nonly-one-field\n", 3, "needs a source term, a TAB and a target term"),
        ("t.csv", "ar,Elvish\nلجنة,committee\n", 1, "column 'Elvish' is neither a language tag"),
        ("t.csv", "id,note\nc1,x\n", 1, "names no language column"),
        ("t.tsv", "ar\ten\tar:status\nلجنة\tcommittee\tgood\n", 2, "status 'good'"),
        ("t.csv", "ar,en\nلجنة,committee,extra\n", 2, "3 fields where the header has 2"),
        # A table without its header row read as languages "foo" and "bar", or "المطار" was a column name.
        ("t.csv", "foo,bar\nالمطار,airport\n", 1, "column 'foo' is neither a language tag"),
        ("t.csv", "foo,bar\nالمطار,airport\n", 1, "'foo' is no ISO 639 language code"),
        ("t.csv", "المطار,airport\nالسفير,ambassador\n", 1, "column 'المطار' is neither"),
        ("t.tsv", "ar\ten\tfr:status\nلجنة\tcommittee\tpreferred\n", 1, "a field of fr, and no column holds fr"),
        # A quote left open read as one term holding the rest of the file, line breaks and all.
        ("t.csv", 'ar,en\n"لجنة,committee\nسفير,ambassador\n', 3, "a quoted cell from line 2 is never closed"),
        ("t.tsv", 'ar\ten\n"لجنة" العليا\tcommittee\n', 2, "malformed TSV"),
    ],
)
def test_a_bad_table_is_one_error_naming_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, says: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_termbase(path)
    assert str(caught.value).startswith(f"{path}:{line}: ") and says in str(caught.value)


@pytest.mark.parametrize(
    ("header", "delimiter", "languages"),
    [
        ("Arabic\tEnglish", "\t", ["ar", "en"]),
        ("Arabic (Saudi Arabia),English (United States),note", ",", ["ar-SA", "en-US"]),
        ("English (UK),Arabic (U.A.E.)", ",", ["en-GB", "ar-AE"]),
        ("ARABIC ( Egypt ),english", ",", ["ar-EG", "en"]),
        ("Arabic (Narnia),en", ",", ["ar", "en"]),  # a region it does not know: the language alone
    ],
)
def test_a_table_header_may_name_its_languages_in_english(header: str, delimiter: str, languages: list[str]) -> None:
    """Spreadsheet glossaries and CAT tools' Excel exports name their columns "Arabic", "English (United States)"."""
    cells = ["لجنة", "committee"] if header.lower().startswith("arabic") else ["committee", "لجنة"]
    row = delimiter.join([*cells, "x"][: header.count(delimiter) + 1])
    termbase = parse_table(f"{header}\n{row}\n", delimiter=delimiter).termbase
    [concept] = termbase.concepts
    assert [(term.lang, term.text) for term in concept.terms] == list(zip(languages, cells, strict=True))


def test_a_header_names_languages_by_any_iso_639_code_and_their_fields_in_any_spelling() -> None:
    """Codes with a region in either spelling, three-letter codes; `AR-sa:note` is the note of the `ar_SA` term."""
    table = "ar_SA,en-US,fil,arz,en-us:status,AR-sa:note\nالمطار,airport,paliparan,المطار,preferred,n\n"
    [concept] = parse_table(table).termbase.concepts
    assert [(t.lang, t.text, t.status, t.note) for t in concept.terms] == [
        ("ar_SA", "المطار", None, "n"),
        ("en-US", "airport", TermStatus.PREFERRED, None),
        ("fil", "paliparan", None, None),
        ("arz", "المطار", None, None),
    ]


def test_formats_come_from_the_file_name_and_an_unknown_name_is_refused() -> None:
    assert [term_format_of(n) for n in ("a.TBX", "a.csv", "a.tsv", "glossary.txt", "a.utf8", "a.tab")] == [
        TermFormat.TBX,
        TermFormat.CSV,
        TermFormat.TSV,
        TermFormat.OMEGAT,
        TermFormat.OMEGAT,
        TermFormat.OMEGAT,
    ]
    with pytest.raises(InputError, match="cannot tell the termbase format"):
        term_format_of("terms.json")
    assert term_format_of("terms.json", "tsv") is TermFormat.TSV


def test_writing_is_atomic_the_old_file_survives_a_failed_write(tmp_path: Path) -> None:
    path = tmp_path / "terms.tbx"
    base = Termbase(concepts=[Concept("c1", [Term("لجنة", "ar"), Term("commission", "en")])])
    save_termbase(path, base)
    before = path.read_bytes()
    broken = Termbase(concepts=[Concept("c1", [Term("bad \x01 char", "en")])])
    with pytest.raises(InputError):
        save_termbase(path, broken)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["terms.tbx"]
    with pytest.raises(WriteError, match="no such folder"):
        save_termbase(tmp_path / "missing" / "t.tbx", base)


def test_the_sample_termbase_has_forty_concepts_arabic_english_some_forbidden() -> None:
    read = read_tbx(SAMPLES / "terms.tbx")
    assert read.version == 2 and not read.skipped
    concepts = read.termbase.concepts
    assert len(concepts) >= 40
    assert all(c.terms_in("ar") and c.translations("en") for c in concepts)
    assert sum(1 for c in concepts if any(t.avoid for t in c.terms_in("en"))) >= 10
    # TBX v3 and the tables hold the sample as it is.
    assert parse_tbx(dumps_tbx(read.termbase, version=3)).termbase == read.termbase


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
@pytest.mark.parametrize("name", ["terms.csv", "terms.tsv", "glossary.txt"])
def test_tables_and_glossaries_are_read_in_the_encodings_every_command_reads(
    tmp_path: Path, encoding: str, name: str
) -> None:
    """A UTF-16 table with its byte order mark (what Excel saves as "Unicode text") was refused as not UTF-8, where
    every other reader of tmkit takes it."""
    separator = "," if name.endswith(".csv") else "\t"
    lines = ([] if name == "glossary.txt" else [f"ar{separator}en"]) + [f"مرحبا{separator}hello"]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    loaded = load_termbase(path, source_lang="ar", target_lang="en")
    [concept] = loaded.termbase.concepts
    assert [(term.lang, term.text) for term in concept.terms] == [("ar", "مرحبا"), ("en", "hello")]
