"""Build and cache: C source in, a loaded shared library out.

:func:`load` compiles C source with plain ``gcc -shared -fPIC`` (cffi's ABI mode:
no ``Python.h``, so a build takes a few tens of milliseconds) and opens the result
with ``ffi.dlopen``. Built libraries live in an on-disk cache (:func:`cache_dir`),
one entry per key (:func:`cache_key`: a sha256 over the source, the compiler
flags, the compiler's identity, cffi's version, the CPU's features and
:data:`CACHE_VERSION`). An entry is ``<key>.so`` plus its manifest ``<key>.json``
(size and sha256 of the library, flags, compiler, creation time).

Why the cache can be trusted:

* Writes are atomic: the library is compiled into a temporary file of the cache
  directory and moved into place with :func:`os.replace`, the manifest last. An
  interrupted build leaves at most a stray ``tmp-*`` file (removed once it is an
  hour old), never a half-written entry.
* Builds of one key are serialised across processes by an advisory lock
  (``flock`` on ``locks/<key>.lock``): two processes asking for the same kernel at
  once both succeed, the second one finding the first one's entry.
* Every hit is verified against its manifest before ``dlopen`` (hashing a kernel
  of a few tens of kilobytes costs tens of microseconds). A mismatch, a missing
  half or a failing ``dlopen`` deletes the entry and rebuilds it, once, with a
  :class:`CacheWarning`.

Loading a cached kernel never imports cffi's C parser: the parsed form of each
``cdef`` is cached too (``ffi/<hash>.py``, the literal arguments of cffi's
compiled ``FFI``, read back with :func:`ast.literal_eval`), so a warm load in a
new process costs a few milliseconds instead of the ~30 ms that importing
``pycparser`` takes.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import threading
import time
import warnings
from pathlib import Path

from spec.errors import ArgumentError

__all__ = [
    "CACHE_VERSION", "DEFAULT_FLAGS", "LIBS", "BuildError", "CacheWarning", "Library",
    "cache_dir", "cache_info", "cache_key", "clear_cache", "compile_flags", "load", "stats",
]

def _avx512():
    """Whether this CPU has AVX-512F (read from /proc/cpuinfo on Linux)."""
    try:
        with open("/proc/cpuinfo") as info:
            return any(line.startswith("flags") and " avx512f" in line for line in info)
    except OSError:
        return False


#: Bump to invalidate every cached kernel (it is part of every key).
CACHE_VERSION = 1

#: Flags of every build. ``-fno-math-errno`` only stops libm from setting
#: ``errno`` (nothing reads it) and lets gcc inline and vectorise ``sqrt``;
#: NaN, infinities and -0.0 keep their IEEE meaning, unlike ``-ffast-math``.
#: An implicitly declared function (a missing ``#include <math.h>``) would
#: silently return ``int``: that is an error here.
DEFAULT_FLAGS = (
    "-O3", "-march=native", "-fPIC", "-shared", "-std=c11", "-fno-math-errno", "-ffp-contract=off",
    "-Werror=implicit-function-declaration",
    # whole 512-bit vectors where the CPU has them (gcc prefers 256 bits on
    # AVX-512 parts): the vectorised exp of a softmax runs 1.3x faster
    *(("-mprefer-vector-width=512",) if _avx512() else ()),
)
#: Libraries linked after the source.
LIBS = ("-lm",)

# Flags that give up IEEE semantics (NaN, infinities, signed zeros, rounding).
_UNSAFE_FLAGS = frozenset({
    "-ffast-math", "-Ofast", "-funsafe-math-optimizations", "-ffinite-math-only",
    "-fno-signed-zeros", "-fassociative-math", "-freciprocal-math", "-fcx-limited-range",
})
_OMP_PARALLEL = re.compile(r"^[ \t]*#[ \t]*pragma[ \t]+omp[ \t]+(?!simd\b|declare[ \t]+simd\b)", re.M)
_OMP_SIMD = re.compile(r"^[ \t]*#[ \t]*pragma[ \t]+omp[ \t]+(declare[ \t]+)?simd\b", re.M)
_KEY = re.compile(r"^[0-9a-f]{64}$")
_TEMP_MAX_AGE_S = 3600.0
_COMPILE_TIMEOUT_S = 600.0


class BuildError(RuntimeError):
    """The C compiler rejected a source (or its library could not be loaded).

    ``stderr`` is the compiler's output, ``source_path`` the kept copy of the
    source (under ``failed/`` in the cache directory), ``command`` the command line.
    """

    def __init__(self, message, *, stderr="", source_path=None, command=()):
        super().__init__(message)
        self.stderr = stderr
        self.source_path = source_path
        self.command = tuple(command)


class CacheWarning(RuntimeWarning):
    """A cache entry was found corrupt and is being rebuilt."""


class Library:
    """A loaded kernel library: ``ffi`` (cffi's FFI, with the ``cdef`` declared),
    ``lib`` (``ffi.dlopen`` of the library: its functions as attributes), ``key``
    (the cache key) and ``path`` (the cached ``.so``)."""

    __slots__ = ("ffi", "lib", "key", "path")

    def __init__(self, ffi, lib, key, path):
        self.ffi, self.lib, self.key, self.path = ffi, lib, key, path

    def __repr__(self):
        return f"<Library {self.key[:12]} {self.path}>"


_stats = {"compiles": 0, "disk_hits": 0, "memory_hits": 0, "rebuilds": 0}
_memo: dict = {}           # (directory, key, cdef) -> Library
_ffis: dict = {}           # cdef -> FFI
_process: dict = {}        # compiler identity, CPU features: computed once per process
_guard = threading.Lock()  # for the dictionaries above


def stats():
    """Counters of this process: ``compiles`` (compiler runs), ``disk_hits``,
    ``memory_hits`` and ``rebuilds`` (corrupt entries replaced).

    >>> sorted(stats())
    ['compiles', 'disk_hits', 'memory_hits', 'rebuilds']
    """
    with _guard:
        return dict(_stats)


def cache_dir():
    """The cache directory: ``$NX_CODEGEN_CACHE``, else ``$XDG_CACHE_HOME/nx_codegen``,
    else ``~/.cache/nx_codegen``. Read at each call; created on first build.

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"NX_CODEGEN_CACHE": "/tmp/kernels"}):
    ...     str(cache_dir())
    '/tmp/kernels'
    >>> with mock.patch.dict(os.environ, {"NX_CODEGEN_CACHE": "", "XDG_CACHE_HOME": "/tmp/xdg"}):
    ...     str(cache_dir())
    '/tmp/xdg/nx_codegen'
    """
    explicit = os.environ.get("NX_CODEGEN_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "nx_codegen"


def compile_flags(source, flags=None, openmp=None):
    """The compiler flags of a build of ``source``: :data:`DEFAULT_FLAGS`, then
    ``-fopenmp`` when ``openmp`` (by default: when the source has an OpenMP pragma
    other than ``omp simd``; a source with only ``omp simd`` pragmas gets
    ``-fopenmp-simd``, which honours them without the OpenMP runtime), then the
    extra ``flags``. Flags that break IEEE semantics are refused.

    >>> compile_flags("int f(void) { return 1; }") == DEFAULT_FLAGS
    True
    >>> compile_flags("#pragma omp parallel for\\nint x;")[-1], compile_flags("int x;", ["-O2"])[-1]
    ('-fopenmp', '-O2')
    >>> compile_flags("int x;", ["-ffast-math"])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: flags: -ffast-math breaks NaN, infinity and -0.0 semantics; it is not allowed
    """
    if isinstance(flags, (str, bytes)):
        raise ArgumentError(f"flags must be a list of strings, got the string {flags!r}")
    extra = tuple(flags or ())
    for flag in extra:
        if not isinstance(flag, str):
            raise ArgumentError(f"flags must be a list of strings, got {flag!r} in {list(extra)!r}")
        if flag in _UNSAFE_FLAGS:
            raise ArgumentError(f"flags: {flag} breaks NaN, infinity and -0.0 semantics; it is not allowed")
    if openmp is None:
        openmp = bool(_OMP_PARALLEL.search(source))
    threading_flags = ("-fopenmp",) if openmp else ("-fopenmp-simd",) if _OMP_SIMD.search(source) else ()
    return DEFAULT_FLAGS + threading_flags + extra


def cache_key(source, flags=None, openmp=None):
    """The cache key of a build: a sha256 (hex) over :data:`CACHE_VERSION`, the
    source, the flags (:func:`compile_flags`), :data:`LIBS`, the compiler's
    identity (``$CC``, default ``gcc``, and the first line of its ``--version``),
    cffi's version and the CPU's features.

    >>> a = cache_key("int f(void) { return 1; }")
    >>> len(a), a == cache_key("int f(void) { return 1; }")
    (64, True)
    >>> a == cache_key("int f(void) { return 2; }"), a == cache_key("int f(void) { return 1; }", ["-O2"])
    (False, False)
    """
    return _key(source, compile_flags(source, flags, openmp))


def _key(source, flags):
    parts = [CACHE_VERSION, source, list(flags), list(LIBS), _compiler_identity(),
             _cffi_version(), _cpu_features()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _compiler():
    return shlex.split(os.environ.get("CC") or "gcc")


def _compiler_identity():
    """``$CC`` and the first line of its ``--version``, once per process per ``$CC``."""
    command = _compiler()
    name = ("compiler",) + tuple(command)
    with _guard:
        if name in _process:
            return _process[name]
    stamp = _executable_stamp(command[0])
    version = _remembered_version(stamp)
    if version is None:
        try:
            run = subprocess.run(command + ["--version"], capture_output=True, text=True,
                                 timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BuildError(f"the C compiler {' '.join(command)!r} cannot be run ({error}); "
                             "install gcc or set CC", command=command) from error
        lines = run.stdout.splitlines()
        version = lines[0] if lines else f"exit {run.returncode}"
        if run.returncode == 0:
            _remember_version(stamp, version)
    identity = [command, version]
    with _guard:
        _process[name] = identity
    return identity


def _executable_stamp(program):
    """The resolved path, size and modification time of ``program`` (None when
    it is not found): a new compiler installed there changes the stamp."""
    path = shutil.which(program)
    if path is None:
        return None
    real = os.path.realpath(path)
    with contextlib.suppress(OSError):
        st = os.stat(real)
        return f"{real}:{st.st_size}:{st.st_mtime_ns}"
    return None


def _versions_file():
    return cache_dir() / "compilers.json"


def _remembered_version(stamp):
    """The ``--version`` line recorded for an executable stamp by an earlier
    process (saves running the compiler on every warm start)."""
    if stamp is None:
        return None
    with contextlib.suppress(OSError, ValueError):
        return json.loads(_versions_file().read_text()).get(stamp)
    return None


def _remember_version(stamp, version):
    if stamp is None:
        return
    with contextlib.suppress(OSError, ValueError):
        path = _versions_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        known = {}
        with contextlib.suppress(OSError, ValueError):
            known = json.loads(path.read_text())
        known[stamp] = version
        tmp = path.with_name(f"tmp-{os.getpid()}-{path.name}")
        tmp.write_text(json.dumps(known))
        os.replace(tmp, path)


def _cpu_features():
    """A hash of the CPU's feature flags (``-march=native`` depends on them)."""
    with _guard:
        if "cpu" in _process:
            return _process["cpu"]
    features = os.uname().machine
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith(("flags", "Features")):
                    features += ":" + line.split(":", 1)[-1].strip()
                    break
    digest = hashlib.sha256(features.encode()).hexdigest()[:32]
    with _guard:
        _process["cpu"] = digest
    return digest


def _cffi_version():
    import _cffi_backend
    return _cffi_backend.__version__


# -- loading -------------------------------------------------------------------------

def load(source, cdef, *, flags=None, openmp=None, directory=None):
    """Compile C ``source`` (or find it in the cache) and load it: a
    :class:`Library` whose ``lib`` has the functions declared in ``cdef``.

    ``flags`` are extra compiler flags (after :data:`DEFAULT_FLAGS`), ``openmp``
    forces ``-fopenmp`` on or off (see :func:`compile_flags`), ``directory``
    overrides :func:`cache_dir`. Loading the same source, flags and ``cdef`` twice
    in one process returns the same :class:`Library` without touching the disk.
    A compiler error raises :class:`BuildError`.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     k = load("double twice(double x) { return 2 * x; }", "double twice(double);", directory=tmp)
    ...     again = load("double twice(double x) { return 2 * x; }", "double twice(double);", directory=tmp)
    >>> k.lib.twice(21.0), again is k
    (42.0, True)
    """
    directory = Path(directory) if directory is not None else cache_dir()
    build_flags = compile_flags(source, flags, openmp)
    key = _key(source, build_flags)
    memo_key = (str(directory), key, cdef)
    with _guard:
        if memo_key in _memo:
            _stats["memory_hits"] += 1
            return _memo[memo_key]
    ffi = _ffi(cdef, directory)
    library = _dlopen(directory, key, ffi)[0] if _verify(directory, key) is None else None
    if library is None:
        library = _load_locked(directory, key, ffi, source, build_flags)
    else:
        _count("disk_hits")
    with _guard:
        return _memo.setdefault(memo_key, library)


def _count(name):
    with _guard:
        _stats[name] += 1


def _dlopen(directory, key, ffi):
    """``dlopen`` an entry already verified: ``(library, None)``, or ``(None, why)``
    when the dynamic loader refuses it."""
    path = directory / f"{key}.so"
    try:
        return Library(ffi, ffi.dlopen(str(path)), key, path), None
    except OSError as error:
        return None, str(error)


def _load_locked(directory, key, ffi, source, flags):
    """The slow path, holding the key's lock: another process may have built the
    entry meanwhile; otherwise (re)build it."""
    directory.mkdir(parents=True, exist_ok=True)
    with _key_lock(directory, key):
        reason = _verify(directory, key)
        if reason is None:
            library, error = _dlopen(directory, key, ffi)
            if library is not None:
                _count("disk_hits")
                return library
            reason = f"the dynamic loader refused it: {error}"
        if reason != "missing":
            warnings.warn(f"nx_codegen cache entry {key[:12]} in {directory} is corrupt "
                          f"({reason}); rebuilding it", CacheWarning, stacklevel=3)
            _remove_entry(directory, key)
            _count("rebuilds")
        _compile(directory, key, source, flags)
        library, error = _dlopen(directory, key, ffi)
        if library is None:
            _remove_entry(directory, key)
            raise BuildError(f"the library built from the source could not be loaded: {error}")
        return library


def _verify(directory, key):
    """None when ``<key>.so`` matches its manifest, else why not (``"missing"``
    when neither file exists)."""
    so, manifest = directory / f"{key}.so", directory / f"{key}.json"
    try:
        with open(manifest, "rb") as file:
            expected = json.loads(file.read())
    except FileNotFoundError:
        return "missing" if not so.exists() else "its manifest is missing"
    except (OSError, ValueError) as error:
        return f"its manifest is unreadable: {error}"
    try:
        with open(so, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        return "its library is missing"
    except OSError as error:
        return f"its library is unreadable: {error}"
    if not isinstance(expected, dict) or len(data) != expected.get("size"):
        return f"its library has {len(data)} bytes, the manifest says {expected.get('size')}"
    if hashlib.sha256(data).hexdigest() != expected.get("sha256"):
        return "its library's sha256 differs from the manifest's"
    return None


def _remove_entry(directory, key):
    for suffix in (".json", ".so"):  # the manifest first: no manifest, no hit
        with contextlib.suppress(FileNotFoundError):
            os.unlink(directory / f"{key}{suffix}")


@contextlib.contextmanager
def _key_lock(directory, key):
    """An exclusive advisory lock on the key, across processes and threads (each
    call opens the lock file anew: ``flock`` locks belong to open files)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: builds still write atomically, unserialised
        yield
        return
    locks = directory / "locks"
    locks.mkdir(exist_ok=True)
    fd = os.open(locks / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


# -- building ------------------------------------------------------------------------

def _compile(directory, key, source, flags):
    """Compile into temporary files of ``directory``, then move the library and,
    last, its manifest into place."""
    _remove_stale_temp(directory)
    stem = directory / f"tmp-{key[:16]}-{os.getpid()}-{os.urandom(4).hex()}"
    c_path, so_path, json_path = (stem.with_suffix(s) for s in (".c", ".so", ".json"))
    command = _compiler() + list(flags) + ["-o", str(so_path), str(c_path)] + list(LIBS)
    c_path.write_text(source)
    try:
        _count("compiles")
        run = subprocess.run(command, capture_output=True, text=True, timeout=_COMPILE_TIMEOUT_S,
                             env=dict(os.environ, LC_ALL="C"))  # plain ASCII messages
    except (OSError, subprocess.TimeoutExpired) as error:
        failed = _keep_failed(directory, key, c_path, command, str(error))
        raise BuildError(f"the C compiler could not build {failed}: {error}",
                         source_path=failed, command=command) from error
    if run.returncode != 0:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(so_path)
        failed = _keep_failed(directory, key, c_path, command, run.stderr)
        raise BuildError(f"the C compiler failed (exit {run.returncode}) on {failed}:\n{run.stderr}",
                         stderr=run.stderr, source_path=failed, command=command)
    os.unlink(c_path)
    data = so_path.read_bytes()
    manifest = {"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                "flags": list(flags) + list(LIBS), "compiler": _compiler_identity()[1],
                "cffi": _cffi_version(), "cache_version": CACHE_VERSION, "created": time.time()}
    json_path.write_text(json.dumps(manifest, indent=1))
    os.replace(so_path, directory / f"{key}.so")
    os.replace(json_path, directory / f"{key}.json")


def _keep_failed(directory, key, c_path, command, log):
    """Keep a failed build's source (and the compiler's output) under ``failed/``."""
    failed = directory / "failed"
    failed.mkdir(exist_ok=True)
    kept = failed / f"{key}.c"
    os.replace(c_path, kept)
    (failed / f"{key}.log").write_text(shlex.join(command) + "\n\n" + log)
    return kept


def _remove_stale_temp(directory):
    """Temporary files of builds interrupted over an hour ago."""
    cutoff = time.time() - _TEMP_MAX_AGE_S
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith("tmp-"):
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)


# -- the cdef, parsed once -----------------------------------------------------------

def _ffi(cdef, directory):
    """An FFI with ``cdef`` declared: from memory, from ``ffi/<hash>.py`` in the
    cache (no C parser needed), or parsed by cffi and then cached."""
    with _guard:
        if cdef in _ffis:
            return _ffis[cdef]
    digest = hashlib.sha256(f"{_cffi_version()}\0{cdef}".encode()).hexdigest()
    path = directory / "ffi" / f"{digest}.py"
    ffi = _read_ffi(path)
    if ffi is None:
        ffi, args = _parse_cdef(cdef)
        if args is not None:
            _write_ffi(path, args)
    with _guard:
        return _ffis.setdefault(cdef, ffi)


def _parse_cdef(cdef):
    """cffi's FFI for ``cdef`` and, when cffi can render it, the literal arguments
    of the equivalent compiled FFI (what cffi's out-of-line ABI mode generates)."""
    import io

    import cffi
    builder = cffi.FFI()
    builder.cdef(cdef)
    try:
        from cffi import recompiler
        text = io.StringIO()
        recompiler.make_py_source(builder, "nx_codegen_kernel", text)
        call = next(node for node in ast.walk(ast.parse(text.getvalue())) if isinstance(node, ast.Call))
        args = {"name": ast.literal_eval(call.args[0])}
        args.update((kw.arg, ast.literal_eval(kw.value)) for kw in call.keywords)
        return _compiled_ffi(args), args
    except Exception:  # noqa: BLE001 -- an optimisation: whatever cffi's renderer
        return builder, None  # does, the FFI parsed above is complete and correct


def _compiled_ffi(args):
    import _cffi_backend
    args = dict(args)
    return _cffi_backend.FFI(args.pop("name"), **args)


def _read_ffi(path):
    """The compiled FFI cached at ``path``, or None (absent or damaged: its first
    line is the sha256 of the rest, checked before anything is parsed)."""
    try:
        digest, _, body = path.read_text().partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if hashlib.sha256(body.encode()).hexdigest() != digest:
        return None
    try:
        return _compiled_ffi(ast.literal_eval(body))
    except (ValueError, TypeError, SyntaxError, KeyError):
        return None


def _write_ffi(path, args):
    body = repr(args)
    with contextlib.suppress(OSError):  # a read-only cache still works, parsing each time
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.parent / f"tmp-{os.getpid()}-{os.urandom(4).hex()}.py"
        temp.write_text(hashlib.sha256(body.encode()).hexdigest() + "\n" + body)
        os.replace(temp, path)


# -- the cache as a whole ------------------------------------------------------------

def cache_info(directory=None):
    """What the cache holds: its ``directory``, the number of ``entries`` (built
    libraries), their ``bytes`` (libraries and manifests), and the sources of
    ``failed`` builds kept for inspection.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = load("int one(void) { return 1; }", "int one(void);", directory=tmp)
    ...     info = cache_info(tmp)
    >>> info["entries"], info["bytes"] > 0, info["failed"]
    (1, True, 0)
    """
    directory = Path(directory) if directory is not None else cache_dir()
    entries = nbytes = 0
    for path in _entry_files(directory):
        entries += path.suffix == ".so"
        with contextlib.suppress(OSError):
            nbytes += path.stat().st_size
    failed = directory / "failed"
    n_failed = sum(1 for p in failed.glob("*.c")) if failed.is_dir() else 0
    return {"directory": str(directory), "entries": entries, "bytes": nbytes, "failed": n_failed}


def clear_cache(directory=None):
    """Delete every file this module wrote in the cache directory (entries, parsed
    cdefs, failed builds, locks, temporary files; nothing else) and forget the
    libraries loaded from it in this process. Returns the number of files deleted.
    Not meant to run while another process builds into the same directory.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = load("int two(void) { return 2; }", "int two(void);", directory=tmp)
    ...     removed = clear_cache(tmp)
    ...     info = cache_info(tmp)
    >>> removed >= 2, info["entries"]
    (True, 0)
    """
    directory = Path(directory) if directory is not None else cache_dir()
    removed = 0
    files = list(_entry_files(directory))
    if directory.is_dir():
        files += [p for p in directory.glob("tmp-*") if p.is_file()]
    for sub, pattern in (("ffi", "*.py"), ("failed", "*.c"), ("failed", "*.log"), ("locks", "*.lock")):
        if (directory / sub).is_dir():
            files += (directory / sub).glob(pattern)
    for path in files:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            removed += 1
    for sub in ("ffi", "failed", "locks"):
        with contextlib.suppress(OSError):
            (directory / sub).rmdir()
    with _guard:
        for memo_key in [k for k in _memo if k[0] == str(directory)]:
            del _memo[memo_key]
    return removed


def _entry_files(directory):
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if path.suffix in (".so", ".json") and _KEY.match(path.stem):
            yield path
