"""Team projects over git, UI-free: commit the saved memories, pull with the TMX merge driver, push, report."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tmkit.errors import InputError, TmkitError
from tmkit.formats.tmx_reader import load_tmx
from tmkit.jobs.config import _line_of, config_path
from tmkit.memory.merge import conflict_side
from tmkit.memory.model import Memory, TranslationUnit

#: The remote a project folder's clone pulls from and pushes to.
DEFAULT_REMOTE = "origin"
#: Seconds one git command may take (a fetch or push over a slow link) before the sync gives up on it.
DEFAULT_GIT_TIMEOUT = 120.0
#: How often a push is tried again when someone else pushed between our fetch and our push.
PUSH_ATTEMPTS = 3
#: The merge driver's name in `.gitattributes` (`*.tmx merge=tmx`), as the README sets it up.
MERGE_DRIVER_NAME = "tmx"
#: The attributes line that sends `.tmx` files to the driver, kept in the clone's own `info/attributes`
#: so the project's tracked files are not changed.
MERGE_ATTRIBUTE_LINE = f"*.tmx merge={MERGE_DRIVER_NAME}"
#: Who changed a unit when its changeid (and creationid) says nothing.
UNKNOWN_AUTHOR = "someone"
#: The config file's key (`config.toml`) for the editor's sync timer, in seconds; absent or 0: sync only on demand.
SYNC_INTERVAL_KEY = "team_sync_interval"
#: The shortest timer allowed: a sync every few seconds would commit and push more than anyone reads.
MIN_SYNC_INTERVAL = 10.0

# A credential inside a remote's URL (https://user:token@host/...), never shown in a message.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)


class TeamSyncError(TmkitError):
    """A sync that could not finish (no git, not a repository, the remote unreachable): one line saying why.

    Nothing is lost when it is raised: the edits are saved in the file and committed in the clone
    (a failed push leaves the commit to go with the next sync; a merge git could not settle is undone).
    """


@dataclass(frozen=True, slots=True)
class UnitChange:
    """A unit the pull brought in: which memory, which unit, who changed it and when."""

    path: Path
    unit: str
    author: str
    date: str | None


@dataclass(slots=True)
class SyncReport:
    """What one sync did."""

    #: Our saved memories were committed (False: nothing of ours had changed since the last sync).
    committed: bool = False
    #: The units others changed, as they came in with the pull.
    changes: list[UnitChange] = field(default_factory=list)
    #: Segments the merge kept in both versions (marked `x-tmkit-conflict`) for the translator to settle.
    conflicts: int = 0
    #: Our commits reached the remote.
    pushed: bool = False

    def by_author(self) -> dict[str, int]:
        """Units changed by each person, most first."""
        return dict(Counter(change.author for change in self.changes).most_common())

    def summary(self) -> str:
        """One line for a status bar: `synced: 3 from sara, 1 from omar; 1 conflict`."""
        parts = [f"{count} from {author}" for author, count in self.by_author().items()]
        line = "synced: " + (", ".join(parts) if parts else "no changes from the team")
        if self.conflicts:
            line += f"; {self.conflicts} conflict{'s' if self.conflicts != 1 else ''} to settle"
        if not self.pushed:
            line += "; nothing to push"
        return line


def redact_credentials(text: str) -> str:
    """``text`` with any `user:password@` of a URL in it replaced, for messages."""
    return _URL_CREDENTIALS.sub(lambda m: f"{m.group('scheme')}***@", text)


class TeamProject:
    """A project folder inside a git clone whose memories are shared with the team through its remote."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        remote: str = DEFAULT_REMOTE,
        git_timeout: float = DEFAULT_GIT_TIMEOUT,
    ) -> None:
        git = shutil.which("git")
        if git is None:
            raise TeamSyncError("team sync needs git, which is not installed (not found on PATH)")
        self._git = git
        self.remote = remote
        self.git_timeout = git_timeout
        start = Path(folder).resolve()
        done = self._run(["rev-parse", "--show-toplevel"], cwd=start, check=False)
        if done.returncode != 0:
            raise TeamSyncError(f"{start} is not in a git repository: team sync needs a clone of the team's project")
        self.root = Path(done.stdout.strip())

    # -- git -------------------------------------------------------------------------------------

    def _run(
        self,
        arguments: Sequence[str],
        *,
        cwd: Path | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run git (never through a shell) and return what it did; ``check`` turns a failure into `TeamSyncError`."""
        environment = dict(os.environ)
        # A remote asking for a password must fail, not wait for an answer on a terminal nobody reads.
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"  # git's messages are matched below (rejected pushes, conflicts)
        environment.update(env or {})
        try:
            done = subprocess.run(
                [self._git, *arguments],
                cwd=cwd or self.root,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                stdin=subprocess.DEVNULL,
                timeout=self.git_timeout,
                env=environment,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise TeamSyncError(f"git {arguments[0]} took more than {self.git_timeout:g} s and was stopped") from None
        except OSError as error:
            raise TeamSyncError(f"cannot run git: {error.strerror or error}") from None
        if check and done.returncode != 0:
            raise TeamSyncError(f"git {arguments[0]} failed: {_last_line(done)}")
        return done

    def _relative(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            raise TeamSyncError(f"{path} is outside the git repository {self.root}") from None

    def _head(self) -> str | None:
        done = self._run(["rev-parse", "--verify", "-q", "HEAD"], check=False)
        return done.stdout.strip() or None

    def _branch(self) -> str:
        done = self._run(["symbolic-ref", "-q", "--short", "HEAD"], check=False)
        if done.returncode != 0:
            raise TeamSyncError(f"{self.root} is not on a branch (a detached HEAD): check out the team's branch")
        return done.stdout.strip()

    def _identity_env(self, author: str) -> dict[str, str]:
        """The commit's author is the translator; git's identity commits it, or the translator's when git has none."""
        email = self._config("user.email") or ""
        env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email}
        if self._config("user.name") is None or not email:
            env |= {"GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email}
        return env

    def _config(self, key: str) -> str | None:
        done = self._run(["config", "--get", key], check=False)
        return done.stdout.strip() or None

    def _merge_driver_options(self) -> list[str]:
        """The `-c` options naming tmkit's TMX merge driver (unless the clone names one); the attribute set."""
        attributes = Path(self._run(["rev-parse", "--git-path", "info/attributes"]).stdout.strip())
        if not attributes.is_absolute():
            attributes = self.root / attributes
        existing = attributes.read_text("utf-8", "replace") if attributes.exists() else ""
        if MERGE_ATTRIBUTE_LINE not in existing.splitlines():
            attributes.parent.mkdir(parents=True, exist_ok=True)
            with attributes.open("a", encoding="utf-8") as out:
                out.write(("\n" if existing and not existing.endswith("\n") else "") + MERGE_ATTRIBUTE_LINE + "\n")
        if self._config(f"merge.{MERGE_DRIVER_NAME}.driver"):
            return []
        # This Python's tmkit: the same version as the editor's, whether or not `tmkit` is on PATH.
        driver = f"{shlex.quote(sys.executable)} -m tmkit merge-driver %O %A %B"
        return ["-c", f"merge.{MERGE_DRIVER_NAME}.driver={driver}"]

    # -- the sync --------------------------------------------------------------------------------

    def sync(self, memories: Sequence[str | os.PathLike[str]], *, author: str) -> SyncReport:
        """Commit ``memories`` as ``author``, pull the team's changes (TMX merged unit by unit), push.

        The files are expected saved; after the sync they hold everyone's units, with the segments
        changed differently on both sides kept twice and marked as conflicts (also committed, so the
        memory stays a valid TMX everywhere until a translator settles them).
        """
        paths = [Path(m) for m in memories]
        names = [self._relative(p) for p in paths]
        if self._run(["rev-parse", "-q", "--verify", "MERGE_HEAD"], check=False).returncode == 0:
            raise TeamSyncError(f"a git merge is in progress in {self.root}: finish or abort it first")
        branch = self._branch()
        report = SyncReport()
        identity = self._identity_env(author)
        report.committed = self._commit(names, author=author, env=identity)
        before = self._head()
        for attempt in range(PUSH_ATTEMPTS):
            self._fetch()
            self._merge(branch, env=identity)
            pushed = self._push(branch, last_attempt=attempt == PUSH_ATTEMPTS - 1)
            if pushed is not None:
                report.pushed = pushed
                break
        for path, name in zip(paths, names, strict=True):
            changes, conflicts = self._changes_since(before, path, name)
            report.changes += changes
            report.conflicts += conflicts
        return report

    def _commit(self, names: Sequence[str], *, author: str, env: dict[str, str]) -> bool:
        present = [n for n in names if (self.root / n).exists()]
        if not present:
            return False
        self._run(["add", "--", *present])
        if self._run(["diff", "--cached", "--quiet", "--", *present], check=False).returncode == 0:
            return False
        message = f"tmkit: {author} saved {', '.join(present)}"
        # Only our memories: anything else the translator staged stays staged, uncommitted.
        self._run(["commit", "--quiet", "--no-verify", "-m", message, "--", *present], env=env)
        return True

    def _fetch(self) -> None:
        done = self._run(["fetch", "--quiet", self.remote], check=False)
        if done.returncode != 0:
            raise TeamSyncError(
                f"cannot fetch from {self.remote}: {_last_line(done)} (your edits are saved and committed here)"
            )

    def _merge(self, branch: str, *, env: dict[str, str]) -> None:
        upstream = f"refs/remotes/{self.remote}/{branch}"
        if self._run(["rev-parse", "-q", "--verify", upstream], check=False).returncode != 0:
            return  # the remote has no such branch yet: our push creates it
        options = self._merge_driver_options()
        done = self._run([*options, "merge", "--no-edit", "--no-verify", upstream], check=False, env=env)
        if done.returncode == 0:
            return
        unmerged = self._run(["diff", "--name-only", "--diff-filter=U", "-z"]).stdout.split("\0")
        unmerged = [name for name in unmerged if name]
        marked = [name for name in unmerged if name.endswith(".tmx") and _has_conflict_units(self.root / name)]
        if not unmerged or len(marked) != len(unmerged):
            self._run(["merge", "--abort"], check=False)
            others = ", ".join(n for n in unmerged if n not in marked) or _last_line(done)
            raise TeamSyncError(
                f"the team's changes could not be merged ({others}): the merge was undone, your edits are committed "
                f"here; settle it with git in {self.root}"
            )
        # The driver kept both versions of each clashing unit, marked: the memory is whole and valid, the
        # translator settles them in the editor; the merge is committed so the sync can go on.
        self._run(["add", "--", *marked])
        self._run(["commit", "--quiet", "--no-verify", "--no-edit"], env=env)

    def _push(self, branch: str, *, last_attempt: bool) -> bool | None:
        """True: pushed; False: nothing to push; None: someone pushed first (fetch and merge again)."""
        upstream = f"refs/remotes/{self.remote}/{branch}"
        head = self._head()
        remote_head = self._run(["rev-parse", "-q", "--verify", upstream], check=False).stdout.strip()
        if head is None or head == remote_head:
            return False
        done = self._run(["push", "--quiet", "--porcelain", self.remote, f"HEAD:refs/heads/{branch}"], check=False)
        if done.returncode == 0:
            return True
        rejected = "[rejected]" in done.stdout or "non-fast-forward" in done.stderr or "fetch first" in done.stderr
        if rejected and not last_attempt:
            return None
        raise TeamSyncError(
            f"cannot push to {self.remote}: {_last_line(done)} (your edits are saved and committed here; "
            "the next sync pushes them)"
        )

    def _changes_since(self, before: str | None, path: Path, name: str) -> tuple[list[UnitChange], int]:
        """The units of ``path`` that differ from its version at commit ``before`` (ours), and its conflicts."""
        if not path.exists():
            return [], 0
        now = load_tmx(path)
        conflicts = sum(1 for unit in now.units if conflict_side(unit) == "theirs")
        if before is None:
            return [], conflicts
        if self._run(["cat-file", "-e", f"{before}:{name}"], check=False).returncode != 0:
            old = Memory(now.header, [])
        else:
            blob = self._run_bytes(["show", f"{before}:{name}"])
            with tempfile.TemporaryDirectory() as folder:
                (Path(folder) / "before.tmx").write_bytes(blob)
                old = load_tmx(Path(folder) / "before.tmx")
        old_units = dict(zip(_unit_keys(old), old.units, strict=True))
        changes = [
            UnitChange(path, _describe(unit), unit.change_id or unit.creation_id or UNKNOWN_AUTHOR, unit.change_date)
            for key, unit in zip(_unit_keys(now), now.units, strict=True)
            if old_units.get(key) != unit and conflict_side(unit) != "ours"
        ]
        return changes, conflicts

    def _run_bytes(self, arguments: Sequence[str]) -> bytes:
        try:
            done = subprocess.run(
                [self._git, *arguments],
                cwd=self.root,
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=self.git_timeout,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise TeamSyncError(f"cannot run git {arguments[0]}: {error}") from None
        if done.returncode != 0:
            raise TeamSyncError(f"git {arguments[0]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
        return done.stdout


def sync_team(
    memories: Sequence[str | os.PathLike[str]],
    *,
    author: str,
    remote: str = DEFAULT_REMOTE,
    git_timeout: float = DEFAULT_GIT_TIMEOUT,
) -> SyncReport:
    """Sync the saved ``memories`` (files in one git clone) with the team: commit, pull with the merge driver, push."""
    if not memories:
        raise TeamSyncError("nothing to sync: no memory files were named")
    project = TeamProject(Path(memories[0]).resolve().parent, remote=remote, git_timeout=git_timeout)
    return project.sync(memories, author=author)


def sync_interval_from_config(
    path: str | os.PathLike[str] | None = None, *, env: dict[str, str] | None = None
) -> float | None:
    """The editor's team sync timer from the config file (``team_sync_interval = 300``, seconds); None: off.

    A value that is not a number of seconds (or under `MIN_SYNC_INTERVAL`) is an `InputError` naming the file and line.
    """
    file = Path(path) if path is not None else config_path(env)
    try:
        text = file.read_text(encoding="utf-8")
        values = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # missing, or unreadable: `load_config` reads the same file first and says what is wrong
    value = values.get(SYNC_INTERVAL_KEY)
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < MIN_SYNC_INTERVAL:
        raise InputError(
            f"{SYNC_INTERVAL_KEY} must be a number of seconds, at least {MIN_SYNC_INTERVAL:g} (0: no timer), "
            f"not {value!r}",
            path=file,
            line=_line_of(text, SYNC_INTERVAL_KEY),
        )
    return float(value)


def _unit_keys(memory: Memory) -> list[tuple[Hashable, ...]]:
    """Which unit each is across versions (the tuid, else the source text), the nth alike told apart by n."""
    seen: Counter[Hashable] = Counter()
    keys: list[tuple[Hashable, ...]] = []
    for unit in memory.units:
        source = unit.variants[0].text if unit.variants else ""
        base: Hashable = ("tuid", unit.tuid) if unit.tuid else ("source", source)
        side = conflict_side(unit)
        keys.append((base, side, seen[(base, side)]))
        seen[(base, side)] += 1
    return keys


def _describe(unit: TranslationUnit) -> str:
    if unit.tuid:
        return unit.tuid
    text = unit.variants[0].text if unit.variants else ""
    return text if len(text) <= 60 else text[:57] + "..."


def _has_conflict_units(path: Path) -> bool:
    try:
        memory = load_tmx(path)
    except (OSError, TmkitError):
        return False  # not a TMX the driver wrote: git's own conflict markers, say
    return any(conflict_side(unit) is not None for unit in memory.units)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (done.stderr or done.stdout or "").splitlines() if line.strip()]
    last = lines[-1] if lines else f"exit status {done.returncode}"
    return redact_credentials(last.removeprefix("fatal: ").removeprefix("error: "))
