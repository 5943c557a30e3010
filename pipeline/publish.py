"""Atomic publishing of a run's tables and the one-run-per-output-folder lock.

Layout of an output folder:
    .snapshots/<run_id>/NAME.parquet|csv   complete table sets, one per published run
    .snapshots/current -> <run_id>         swapped with one atomic rename
    NAME.parquet -> .snapshots/current/NAME.parquet   (fixed links analysts open)
A run writes a new snapshot beside the old one and swaps `current` last, so a reader
(or a SIGKILL at any moment) sees the old complete set or the new one, never a mix.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
from contextlib import contextmanager
from pathlib import Path

SNAPSHOTS = ".snapshots"
CURRENT = "current"


class RunLockedError(RuntimeError):
    """Another run holds the output folder."""


def resolve_snapshot(out: Path) -> Path:
    """The folder holding the current complete table set (the output folder itself for a plain copy)."""
    current = out / SNAPSHOTS / CURRENT
    return current.resolve() if current.exists() else out


def new_snapshot(out: Path, run_id: str) -> Path:
    folder = out / SNAPSHOTS / f"tmp-{run_id}"
    folder.mkdir(parents=True)
    return folder


def publish_snapshot(out: Path, folder: Path, table_files: list[str]) -> Path:
    """Make `folder` the current snapshot in one atomic step, then drop snapshots no reader needs."""
    for file in folder.iterdir():
        _fsync(file)
    final = folder.with_name(folder.name.removeprefix("tmp-"))
    os.replace(folder, final)
    _fsync(final.parent)
    link_tmp = final.parent / f"{CURRENT}.tmp-{os.getpid()}"
    if link_tmp.is_symlink():
        link_tmp.unlink()
    os.symlink(final.name, link_tmp)
    previous = resolve_snapshot(out) if (final.parent / CURRENT).exists() else None
    os.replace(link_tmp, final.parent / CURRENT)
    _fsync(final.parent)
    for name in table_files:
        _ensure_link(out / name, Path(SNAPSHOTS) / CURRENT / name)
    keep = {CURRENT, final.name, previous.name if previous else None}
    for entry in final.parent.iterdir():  # the previous set stays one run longer for readers still on it
        if entry.name not in keep and not entry.name.startswith(f"{CURRENT}."):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    return final


def remove_stale_snapshots(out: Path) -> None:
    """Half-written snapshots of killed runs (only called under the lock)."""
    for entry in (out / SNAPSHOTS).glob("tmp-*"):
        shutil.rmtree(entry, ignore_errors=True)


def _ensure_link(path: Path, target: Path) -> None:
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    tmp = path.with_name(f".{path.name}.link-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def run_lock(out: Path, command: str = "run"):
    """Hold the folder's lock for the whole run. The kernel drops it when the process dies, so a
    killed run never leaves a lock that needs manual clean-up."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".lock"
    fh = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise RunLockedError(f"another run is using {out}: {describe_holder(fh.read())}. "
                                 "Wait for it to finish.") from None
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": command,
                             "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
        fh.flush()
        yield
    finally:
        fh.close()  # closing releases the flock


def describe_holder(text: str) -> str:
    """Who holds the lock, from the JSON the holder wrote (empty for a moment while a run starts)."""
    try:
        info = json.loads(text)
    except json.JSONDecodeError:
        return "a run that is starting" if not text.strip() else text.strip()
    return f"pid {info.get('pid')} on {info.get('host')}, `{info.get('command')}` started {info.get('started')}"
