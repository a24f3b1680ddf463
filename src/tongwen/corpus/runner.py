"""``clean_corpus``: clean files, directories, JSON Lines and Parquet into an output folder.

Contract:

- Every input file gives one output file at ``OUTDIR/<rel>`` (``InputFile.rel``) in the input's
  format: a plain-text file its cleaned text (UTF-8), a JSON Lines file the same lines with the
  text field replaced where cleaning changed it (every other byte kept), a Parquet file the same
  schema and rows with the text column cleaned (one row group per batch).
- ``OUTDIR/_stats.jsonl`` has one line per document, in input order (``worker.stats_record``).
- Outputs are written atomically: to a temporary file inside ``OUTDIR/.tongwen-work``, fsynced,
  then renamed into place. A crash leaves no half-written output; the work folder holds the
  finished units of work (their stats and outputs, each written atomically) until the run ends,
  and then it is removed.
- ``resume=True`` after a crash skips every finished unit (documents already cleaned are not
  cleaned again) and every finished output file, and does the rest: the final OUTDIR is byte for
  byte what an uninterrupted run gives. The inputs and settings must be those of the interrupted
  run (checked). Without ``resume``, an unfinished run's work folder is discarded.
- The engine and the number of workers never change the output bytes.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

import tongwen
from tongwen.corpus.engines import run_local, run_pool
from tongwen.corpus.inputs import (
    InputFile,
    expand_inputs,
    is_record,
    iter_parquet_texts,
    iter_record_batches,
    parquet_rows,
)
from tongwen.corpus.worker import Result, Settings, Task, parquet_texts
from tongwen.errors import InputError

__all__ = ["STATS_NAME", "WORK_NAME", "Summary", "clean_corpus"]

#: The stats file in OUTDIR, and the work folder an unfinished run keeps there.
STATS_NAME = "_stats.jsonl"
WORK_NAME = ".tongwen-work"

#: Plain-text files are grouped into units of at most batch_size files and this many bytes.
TEXT_GROUP_BYTES = 16 << 20

#: Test hook (a real crash at a chosen point): "docs:N" kills the run with SIGKILL once N
#: documents are cleaned and saved in this run; "assemble:K" kills it in the middle of writing
#: the K-th JSON Lines or Parquet output file of this run.
CRASH_ENV = "TONGWEN_CORPUS_CRASH"

Engine = Literal["local", "ray"]


@functools.cache
def _umask() -> int:
    """The process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@dataclass(frozen=True)
class Summary:
    """What a run did: ``documents`` in all (the lines of _stats.jsonl), ``resumed`` (cleaned
    by an interrupted run and not cleaned again), ``processed`` (cleaned by this run) and
    ``changed`` (of those processed, the ones cleaning changed)."""

    documents: int
    resumed: int
    processed: int
    changed: int


@dataclass(frozen=True)
class _Group:
    """Files that form units of work together: one JSON Lines or Parquet file (a unit per
    batch of records), or a run of plain-text files (one unit)."""

    files: tuple[int, ...]
    kind: str


@dataclass(frozen=True)
class _Step:
    group: int
    unit: int  # -1: the group's end, when its outputs are assembled


@dataclass
class _Counts:
    processed: int = 0
    changed: int = 0
    assembled: int = 0


def _crash_point(kind: str, count: int) -> None:
    """Kill this process with SIGKILL when CRASH_ENV names ``kind:count`` (tests only)."""
    spec = os.environ.get(CRASH_ENV, "")
    if spec and spec.partition(":")[0] == kind and count >= int(spec.partition(":")[2]):
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder
    finally:
        os.close(fd)


@contextmanager
def _atomic(target: Path, tmp_dir: Path) -> Iterator[Path]:
    """A temporary path in ``tmp_dir`` to write ``target``'s content to; on success it is
    fsynced and renamed onto ``target`` (same file system), on failure removed."""
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="tmp-")
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would create it, not mkstemp's 0o600
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _write_atomic(target: Path, tmp_dir: Path, data: bytes) -> None:
    with _atomic(target, tmp_dir) as tmp:
        tmp.write_bytes(data)


class _Work:
    """The work folder: the plan, the finished units and the finished groups."""

    def __init__(self, outdir: Path) -> None:
        self.root = outdir / WORK_NAME
        self.tmp = self.root / "tmp"
        self.parts = self.root / "parts"
        self.done_dir = self.root / "done"

    def create(self, plan: dict[str, Any]) -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        for folder in (self.tmp, self.parts, self.done_dir):
            folder.mkdir(parents=True)
        _write_atomic(self.root / "plan.json", self.tmp, _plan_bytes(plan))

    def matches(self, plan: dict[str, Any]) -> bool:
        try:
            return (self.root / "plan.json").read_bytes() == _plan_bytes(plan)
        except FileNotFoundError:
            return False

    def stats_path(self, group: int, unit: int) -> Path:
        return self.parts / f"g{group:09d}-u{unit:09d}.stats"

    def out_path(self, group: int, unit: int) -> Path:
        return self.parts / f"g{group:09d}-u{unit:09d}.out"

    def file_out_path(self, group: int, member: int) -> Path:
        return self.parts / f"g{group:09d}-f{member:09d}.out"

    def done_path(self, group: int) -> Path:
        return self.done_dir / f"g{group:09d}"

    def unit_done(self, group: int, unit: int) -> bool:
        return self.stats_path(group, unit).exists()

    def group_outs(self, group: int) -> list[Path]:
        return sorted(self.parts.glob(f"g{group:09d}-u*.out"))

    def save(self, step: _Step, result: Result, *, per_file: bool) -> None:
        """Save a unit's outputs (a file per document for plain text, else one), then its
        stats: the stats file, written last, marks the unit finished."""
        if per_file:
            for member, data in enumerate(result.outputs):
                _write_atomic(self.file_out_path(step.group, member), self.tmp, data)
        else:
            _write_atomic(self.out_path(step.group, step.unit), self.tmp, result.outputs[0])
        _write_atomic(self.stats_path(step.group, step.unit), self.tmp, result.stats)

    def finished_documents(self) -> int:
        count = 0
        for path in self.parts.glob("*.stats"):
            with open(path, "rb") as handle:
                count += sum(1 for _ in handle)
        return count


def _plan_bytes(plan: dict[str, Any]) -> bytes:
    return json.dumps(plan, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"


def _groups(files: Sequence[InputFile], batch_size: int) -> list[_Group]:
    groups: list[_Group] = []
    run: list[int] = []
    size = 0
    for index, file in enumerate(files):
        if file.kind != "text":
            if run:
                groups.append(_Group(tuple(run), "text"))
                run, size = [], 0
            groups.append(_Group((index,), file.kind))
            continue
        length = os.path.getsize(file.path)
        if run and (len(run) >= batch_size or size + length > TEXT_GROUP_BYTES):
            groups.append(_Group(tuple(run), "text"))
            run, size = [], 0
        run.append(index)
        size += length
    if run:
        groups.append(_Group(tuple(run), "text"))
    return groups


def _check_paths(files: Sequence[InputFile], inputs: Sequence[str], outdir: Path) -> None:
    real_out = os.path.realpath(outdir)
    for argument in inputs:
        if os.path.isdir(argument):
            real_in = os.path.realpath(argument)
            if real_out == real_in or real_out.startswith(real_in.rstrip(os.sep) + os.sep):
                raise InputError(f"the output folder {outdir} is inside the input folder "
                                 f"{argument}; choose one outside it")
    seen: dict[str, str] = {}
    for file in files:
        top = file.rel.split("/")[0]
        if file.rel == STATS_NAME or top == WORK_NAME:
            raise InputError(f"an input may not be named {file.rel!r} in OUTDIR",
                             source=file.source)
        if file.rel in seen:
            raise InputError(f"{seen[file.rel]} and {file.source} would both be written to "
                             f"{outdir / file.rel}")
        seen[file.rel] = file.source
        target = outdir / file.rel
        if target.exists() and os.path.samefile(target, file.path):
            raise InputError(f"the output {target} would overwrite its input", source=file.source)


def _plan(files: Sequence[InputFile], settings: Settings) -> dict[str, Any]:
    described = []
    for file in files:
        info = os.stat(file.path)
        described.append([file.source, file.rel, file.kind, info.st_size, info.st_mtime_ns])
    return {"tongwen": tongwen.__version__, "settings": asdict(settings), "inputs": described}


def _count_documents(files: Sequence[InputFile], settings: Settings) -> int:
    total = 0
    for file in files:
        if file.kind == "text":
            total += 1
        elif file.kind == "parquet":
            total += parquet_rows(file.path, settings.field, file.source)
        else:
            with open(file.path, "rb") as handle:
                total += sum(1 for line in handle if is_record(line))
    return total


def _steps(files: Sequence[InputFile], groups: Sequence[_Group], work: _Work,
           settings: Settings) -> Iterator[tuple[_Step, Task | None]]:
    """Every unit of every unfinished group, in order, with its Task (None when the unit is
    finished already), then the group's end."""
    for number, group in enumerate(groups):
        if work.done_path(number).exists():
            continue
        if group.kind == "text":
            members = [files[index] for index in group.files]
            task = None
            if not work.unit_done(number, 0):
                payload = tuple(Path(file.path).read_bytes() for file in members)
                task = Task("text", tuple(file.source for file in members), payload, settings)
            yield _Step(number, 0), task
        elif group.kind == "jsonl":
            file = files[group.files[0]]
            start, line = 0, 1
            with open(file.path, "rb") as handle:
                for unit, lines in enumerate(iter_record_batches(handle, settings.batch_size)):
                    count = sum(1 for raw in lines if is_record(raw))
                    task = None
                    if not work.unit_done(number, unit):
                        task = Task("jsonl", (file.source,), tuple(lines), settings, start, line)
                    yield _Step(number, unit), task
                    start += count
                    line += len(lines)
        else:
            file = files[group.files[0]]
            start = 0
            texts_batches = iter_parquet_texts(file.path, settings.field, settings.batch_size,
                                               source=file.source)
            for unit, texts in enumerate(texts_batches):
                task = None
                if not work.unit_done(number, unit):
                    task = Task("parquet", (file.source,), tuple(texts), settings, start)
                yield _Step(number, unit), task
                start += len(texts)
        yield _Step(number, -1), None


class _Assembler:
    """Writes each group's final output files from its finished units."""

    def __init__(self, files: Sequence[InputFile], groups: Sequence[_Group], work: _Work,
                 outdir: Path, settings: Settings, counts: _Counts) -> None:
        self.files, self.groups, self.work = files, groups, work
        self.outdir, self.settings, self.counts = outdir, settings, counts

    def group(self, number: int) -> None:
        group = self.groups[number]
        if group.kind == "text":
            self._text(number, group)
        else:
            file = self.files[group.files[0]]
            target = self.outdir / file.rel
            self.counts.assembled += 1
            with _atomic(target, self.work.tmp) as tmp:
                if group.kind == "jsonl":
                    self._jsonl(number, tmp)
                else:
                    self._parquet(number, file, tmp)
        _write_atomic(self.work.done_path(number), self.work.tmp, b"")
        for path in self.work.group_outs(number):
            path.unlink()

    def _text(self, number: int, group: _Group) -> None:
        parents = set()
        for member, index in enumerate(group.files):
            source = self.work.file_out_path(number, member)
            target = self.outdir / self.files[index].rel
            if source.exists():  # else moved into place before a crash
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                parents.add(target.parent)
        for parent in sorted(parents):
            _fsync_dir(parent)

    def _jsonl(self, number: int, tmp: Path) -> None:
        with open(tmp, "wb") as out:
            for count, part in enumerate(self.work.group_outs(number)):
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
                if count == 0:
                    out.flush()
                    _crash_point("assemble", self.counts.assembled)

    def _parquet(self, number: int, file: InputFile, tmp: Path) -> None:
        import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]

        parquet = pq.ParquetFile(file.path)
        schema = parquet.schema_arrow
        column = schema.get_field_index(self.settings.field)
        texts = self._part_texts(number)
        with pq.ParquetWriter(str(tmp), schema) as writer:
            batches = parquet.iter_batches(batch_size=self.settings.batch_size)
            for count, batch in enumerate(batches):
                cleaned = [next(texts) for _ in range(batch.num_rows)]
                arrays = list(batch.columns)
                arrays[column] = pa.array(cleaned, type=schema.field(column).type)
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
                if count == 0:
                    _crash_point("assemble", self.counts.assembled)
        if next(texts, None) is not None:
            raise InputError("the Parquet file changed during the run", source=file.source)

    def _part_texts(self, number: int) -> Iterator[str]:
        for part in self.work.group_outs(number):
            yield from parquet_texts(part.read_bytes())


def _progress(enabled: bool | None, total: Callable[[], int], initial: int) -> Any:
    """A tqdm bar on stderr counting documents (None when disabled or tqdm is missing);
    ``enabled`` None means: when stderr is a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        return None
    tqdm.monitor_interval = 0  # no monitor thread: worker processes may be forked later
    return tqdm(total=total(), initial=initial, unit="doc", file=sys.stderr, smoothing=0.1,
                dynamic_ncols=True, desc="tongwen clean")


def clean_corpus(
    inputs: Sequence[str],
    outdir: str | os.PathLike[str],
    *,
    settings: Settings | None = None,
    engine: Engine = "local",
    workers: int = 1,
    resume: bool = False,
    progress: bool | None = None,
) -> Summary:
    """Clean ``inputs`` (files and directories; see ``tongwen.corpus.inputs``) into ``outdir``
    as the module docstring says, with ``engine`` "local" (``workers`` processes; 1 runs in
    this process) or "ray" (Ray Data, ``workers`` CPUs on a local Ray). ``progress``: a bar on
    stderr (None: when stderr is a terminal). Raises InputError for bad input or a
    ``resume`` whose inputs or settings differ, OSError for unreadable or unwritable files."""
    settings = settings or Settings()
    if settings.batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {settings.batch_size}")
    if workers < 1:
        raise ValueError(f"workers must be positive, got {workers}")
    out = Path(outdir)
    files = expand_inputs(inputs)
    _check_paths(files, inputs, out)
    groups = _groups(files, settings.batch_size)
    plan = _plan(files, settings)
    out.mkdir(parents=True, exist_ok=True)
    work = _Work(out)
    if resume and work.root.exists():
        if not work.matches(plan):
            raise InputError(f"cannot resume in {out}: the inputs or settings differ from the "
                             "interrupted run's (run without --resume to start afresh)")
        resumed = work.finished_documents()
    else:
        work.create(plan)
        resumed = 0
    counts = _Counts()
    assembler = _Assembler(files, groups, work, out, settings, counts)
    steps = _steps(files, groups, work, settings)
    if engine == "ray":
        from tongwen.corpus.ray import run_ray

        results = run_ray(steps, workers)
    elif workers > 1:
        results = run_pool(steps, workers)
    else:
        results = run_local(steps)
    bar = _progress(progress, lambda: _count_documents(files, settings), resumed)
    try:
        for step, result in results:
            if step.unit < 0:
                assembler.group(step.group)
                continue
            if result is None:
                continue
            if result.error is not None:
                raise InputError(result.error)
            work.save(step, result, per_file=groups[step.group].kind == "text")
            counts.processed += result.documents
            counts.changed += result.changed
            if bar is not None:
                bar.update(result.documents)
            _crash_point("docs", counts.processed)
    finally:
        if bar is not None:
            bar.close()
        close = getattr(results, "close", None)
        if close is not None:
            close()
    with _atomic(out / STATS_NAME, work.tmp) as tmp, open(tmp, "wb") as stats:
        documents = _concatenate(sorted(work.parts.glob("*.stats")), stats)
    shutil.rmtree(work.root)
    return Summary(documents, resumed, counts.processed, counts.changed)


def _concatenate(parts: Sequence[Path], out: BinaryIO) -> int:
    lines = 0
    for part in parts:
        data = part.read_bytes()
        lines += data.count(b"\n")
        out.write(data)
    return lines
