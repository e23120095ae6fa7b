"""Fixtures shared by the tests: a clean environment, the sample files with their indexes built once, the DTD."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests.helpers import SAMPLES, TMX_DTD
from tests.postgres_fixtures import postgres_url, private_postgres  # noqa: F401  (fixtures: the test server, a fresh database on it)
from tmkit.matching.memory_index import open_memory

# No example database (it would be written into the checkout and shared by the workers) and no deadline:
# on a loaded machine a slow example is not a failure. Tests that need more examples say so themselves.
settings.register_profile(
    "tmkit", database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("tmkit")
# Its caches (Unicode tables, constants of the code under test) go to the system's temporary folder, not .hypothesis/
# in the checkout; set at import, before collection first writes them.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "tmkit-tests-hypothesis")

#: The samples the tests read (not what else is in samples/: the README's first command writes a job there).
SAMPLE_FILES = (
    "article.ar.txt",
    "article.en.txt",
    "article.mt.en.txt",
    "article.ref.en.txt",
    "article.tmx",
    "news-memory.tmx",
)

#: Variables of the user's shell that change what tmkit prints (CI annotations, colour, tracebacks).
_OUTSIDE_VARIABLES = (
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_WORKSPACE",
    "TMKIT_DEBUG",
    "FORCE_COLOR",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "SACREBLEU_SEED",
)


@pytest.fixture(scope="session")
def _cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache-home")


@pytest.fixture(scope="session")
def _config_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("config-home")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, _cache_home: Path, _config_home: Path) -> None:
    """Every test sees the same environment, whatever the shell that runs pytest has set: caches (the
    compiled SRX rules) go to the session's temporary folder, not the user's ~/.cache, and the user's
    own tmkit settings (~/.config/tmkit: identity, key map, QA on confirm) are not read."""
    for name in _OUTSIDE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(_cache_home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(_config_home))


@pytest.fixture
def tmx_dtd() -> Path:
    """The reference TMX 1.4b DTD beside the repository; tests that need it skip without it."""
    if not TMX_DTD.is_file():
        pytest.skip("../shared/tmx/tmx14.dtd is not present")
    return TMX_DTD


@pytest.fixture(scope="session")
def indexed_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of the samples with the memories' indexes built once per session (per worker). Read it, never change it:
    a test that writes takes `work`."""
    folder = tmp_path_factory.mktemp("indexed-samples")
    for name in SAMPLE_FILES:
        shutil.copy2(SAMPLES / name, folder / name)
    for name, source, target in (
        ("news-memory.tmx", "ar", "en"),
        ("news-memory.tmx", "en", "ar"),
        ("article.tmx", "ar", "en"),
    ):
        open_memory(folder / name, source_lang=source, target_lang=target)
    return folder


@pytest.fixture
def work(indexed_samples: Path, tmp_path: Path) -> Path:
    """The test's own copy of the samples and their built indexes (modification times kept, so the indexes are current)."""
    shutil.copytree(indexed_samples, tmp_path, dirs_exist_ok=True)
    return tmp_path
