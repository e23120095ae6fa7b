"""Acceptance against a real CAT tool: tmkit's exports and XLIFF jobs used by OmegaT, and what OmegaT writes read back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tmkit.formats.tmx_reader import load_tmx, read_tmx
from tmkit.formats.xliff import read_xliff
from tmkit.memory.model import Memory, Status

pytestmark = [pytest.mark.omegat, pytest.mark.slow]

OMEGAT_TIMEOUT = 180
#: OmegaT's TMX reader reports problems with message keys such as TMXR_ERROR_… and TMXR_WARNING_….
TMX_TROUBLE = re.compile(r"TMXR_(ERROR|WARNING)|SEVERE|Exception", re.IGNORECASE)

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <source_dir_excludes>
            <mask>**/.git/**</mask>
        </source_dir_excludes>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>AR</source_lang>
        <target_lang>EN</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneArabicTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""


def _pairs(memory: Memory) -> set[tuple[str, str]]:
    return {(src.text, tgt.text) for _, src, tgt in memory.pairs("ar", "en")}


@pytest.fixture(scope="module")
def omegat_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Memory]:
    """An OmegaT project translated headless with tmkit's export in tm/auto: (project, log, export)."""
    omegat = shutil.which("omegat")
    if omegat is None:
        pytest.skip("omegat is not on PATH (Debian: apt-get install --no-install-recommends omegat)")
    base = tmp_path_factory.mktemp("omegat")
    project, config = base / "project", base / "config"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True)
    config.mkdir()
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    shutil.copy(SAMPLES / "article.ar.txt", project / "source" / "article.ar.txt")
    # Level 1 (plain text) is what OmegaT matches against the plain-text document; the level 2
    # export (inline codes kept) goes in tm/ as a reference memory, so OmegaT reads it too.
    auto = project / "tm" / "auto" / "tmkit-level1.tmx"
    for args in (
        ("--level", "1", "-o", str(auto)),
        ("--level", "2", "-o", str(project / "tm" / "tmkit-level2.tmx")),
    ):
        done = run_cli("export", str(SAMPLES / "article.tmx"), "--src", "ar", "--tgt", "en", *args)
        assert done.code == 0, done.stderr
    env = {**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"}
    try:
        run = subprocess.run(
            [omegat, str(project), "--mode=console-translate", f"--config-dir={config}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=OMEGAT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"omegat cannot run here: {exc}")
    log = run.stdout + run.stderr
    if run.returncode != 0 or not (project / "target" / "article.ar.txt").is_file():
        tail = log.strip().splitlines()[-1:] or ["no output"]
        pytest.skip(f"omegat cannot run here (exit {run.returncode}): {tail[0]}")
    exported, reader = read_tmx(auto)
    assert not reader.issue_counts
    return project, log, exported


def test_omegat_reads_the_exports_without_tmx_errors(omegat_run: tuple[Path, str, Memory]) -> None:
    _, log, _ = omegat_run
    assert "tmkit-level1.tmx" in log and "tmkit-level2.tmx" in log  # both were read
    assert "TMXR_INFO_READING_COMPLETE" in log
    trouble = [line for line in log.splitlines() if TMX_TROUBLE.search(line)]
    assert not trouble, "\n".join(trouble)


def test_omegat_target_holds_the_memory_translations(omegat_run: tuple[Path, str, Memory]) -> None:
    project, _, exported = omegat_run
    target = (project / "target" / "article.ar.txt").read_text(encoding="utf-8")
    pairs = _pairs(exported)
    assert len(pairs) == 27  # the 30 units less the 3 drafts
    # OmegaT's default segmentation rules break after the Arabic abbreviation `د.` (Dr.), which
    # tmkit does not: those two sentences reach OmegaT as other segments and get no exact match.
    comparable = {(ar, en) for ar, en in pairs if "د." not in ar}
    assert len(comparable) == 25
    missing = [en for _, en in comparable if en not in target]
    assert not missing
    # Units below the export's minimum status stayed out of OmegaT: their sources are untranslated.
    source_memory, _ = read_tmx(SAMPLES / "article.tmx")
    drafts = [tu.variant("ar") for tu in source_memory if tu.status is Status.DRAFT]
    assert drafts
    for variant in drafts:
        assert variant is not None and variant.text in target


@pytest.mark.parametrize("name", ["project-omegat.tmx", "project-level1.tmx", "project-level2.tmx"])
def test_omegat_memories_read_back_without_loss(omegat_run: tuple[Path, str, Memory], name: str) -> None:
    project, _, exported = omegat_run
    memory, reader = read_tmx(project / name)
    assert not reader.issue_counts
    assert memory.header.creationtool == "OmegaT"
    assert {v.lang for tu in memory for v in tu.variants} == {"AR", "EN"}  # upper-case codes, read as ar/en
    expected = {(ar, en) for ar, en in _pairs(exported) if "د." not in ar}
    assert _pairs(memory) == expected
    if name != "project-level2.tmx":
        assert b'version="1.1"' in (project / name).read_bytes()
        assert b' lang="AR"' in (project / name).read_bytes()  # TMX 1.1's lang=, not xml:lang


# -- an XLIFF job -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def omegat_xliff_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Memory]:
    """OmegaT translating tmkit's XLIFF 1.2 job headless, every pair of the article in tm/auto: (project, job)."""
    omegat = shutil.which("omegat")
    if omegat is None:
        pytest.skip("omegat is not on PATH (Debian: apt-get install --no-install-recommends omegat)")
    base = tmp_path_factory.mktemp("omegat-xliff")
    project, config = base / "project", base / "config"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True)
    config.mkdir()
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    job = project / "source" / "job.xlf"
    done = run_cli(
        "pretranslate", str(SAMPLES / "article.ar.txt"), "--tm", str(SAMPLES / "earlier-visits.tmx"), "-o", str(job)
    )
    assert done.code == 0, done.stderr
    auto = project / "tm" / "auto" / "article.tmx"
    done = run_cli(
        "export", str(SAMPLES / "article.tmx"), "--src", "ar", "--tgt", "en", "--level", "1",
        "--min-status", "draft", "-o", str(auto),
    )  # fmt: skip
    assert done.code == 0, done.stderr
    env = {**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"}
    try:
        run = subprocess.run(
            [omegat, str(project), "--mode=console-translate", f"--config-dir={config}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=OMEGAT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"omegat cannot run here: {exc}")
    if run.returncode != 0 or not (project / "target" / "job.xlf").is_file():
        tail = (run.stdout + run.stderr).strip().splitlines()[-1:] or ["no output"]
        pytest.skip(f"omegat cannot run here (exit {run.returncode}): {tail[0]}")
    memory, _, _ = read_xliff(job)
    return project, memory


def _references() -> dict[str, str]:
    return {ar.text: en.text for _, ar, en in load_tmx(SAMPLES / "article.tmx").pairs("ar", "en")}


def test_omegat_offers_every_unit_of_a_tmkit_xliff_job(omegat_xliff_run: tuple[Path, Memory]) -> None:
    """OmegaT translates <target>: units written without one were not offered, so they stayed untranslated."""
    project, job = omegat_xliff_run
    untranslated = [u for u in job.units if u.status is Status.NEW]
    assert len(untranslated) == 9 and len(job.units) == 30
    translated, _, _ = read_xliff(project / "target" / "job.xlf")
    by_id = {u.tuid: u for u in translated.units}
    references = _references()
    # OmegaT's own rules break after the abbreviation `د.` (Dr.): such a unit is two segments to it, each
    # without an exact match in tm/auto; every other unit the job left untranslated is filled from it.
    offered = [u for u in untranslated if "د." not in u.variants[0].text]
    assert len(offered) == 8
    for unit in offered:
        target = by_id[unit.tuid].variant("en")
        assert target is not None and target.text == references[unit.variants[0].text]


def test_tmkit_reads_omegats_translated_xliff_back(omegat_xliff_run: tuple[Path, Memory]) -> None:
    project, job = omegat_xliff_run
    translated, source_lang, target_lang = read_xliff(project / "target" / "job.xlf")
    assert (source_lang, target_lang) == ("ar", "en")
    assert [u.tuid for u in translated.units] == [u.tuid for u in job.units]
    assert [u.variants[0].segment for u in translated.units] == [u.variants[0].segment for u in job.units]
    for before, after in zip(job.units, translated.units, strict=True):
        if before.status is Status.DRAFT:  # pre-translations come back as they went, drafts with their match
            assert after.status is Status.DRAFT
            assert after.variant("en") == before.variant("en")
            assert {p.type for p in after.props} == {
                "x-tmkit-match",
                "x-tmkit-origin",
                "x-tmkit-pretranslation",
                "x-tmkit-pretranslation-match",
            }
        elif after.variant("en") is not None:  # filled by OmegaT: a translation to review
            assert after.status is Status.DRAFT
        else:
            assert after.status is Status.NEW
