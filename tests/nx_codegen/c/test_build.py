"""Tests of nx_codegen.c.build: building and calling, the in-process memo, the disk
cache seen from other processes, concurrent and interrupted builds, corrupt
entries, compiler errors and cache keys.

Other processes load ``build.py`` by its path (``SCRIPT``): they test the cache, not
the import of the whole nx_codegen package. A library is never ``dlopen``-ed in
this process before its file is damaged (the loader maps the file: damaging a
mapped library could crash the test process)."""

import hashlib
import json
import math
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from nx_codegen.c import build
from spec.errors import ArgumentError

ROOT = Path(__file__).resolve().parents[3]

ADD = "double add(double a, double b) { return a + b; }\n"
ADD_CDEF = "double add(double a, double b);"
TOTAL = """#include <stddef.h>
double total(const double *x, ptrdiff_t n) {
    double s = 0.0;
    for (ptrdiff_t i = 0; i < n; i++) s += x[i];
    return s;
}
"""
TOTAL_CDEF = "double total(const double *x, ptrdiff_t n);"

# Run in another process: load kernel number argv[2] of a family (a distinct source
# per test), optionally waiting until the wall-clock time argv[3]; print what happened.
SCRIPT = r"""
import importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("build_under_test", sys.argv[1])
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)
n = int(sys.argv[2])
source = "int kernel_%d(int x) { return x + %d; }\n" % (n, n)
if len(sys.argv) > 3:
    time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
lib = build.load(source, "int kernel_%d(int x);" % n)
print(json.dumps({"stats": build.stats(), "value": getattr(lib.lib, "kernel_%d" % n)(1),
                  "path": str(lib.path), "pycparser": "pycparser" in sys.modules}))
"""


def kernel(n):
    """The source and cdef that SCRIPT builds for ``n``."""
    return f"int kernel_{n}(int x) {{ return x + {n}; }}\n", f"int kernel_{n}(int x);"


def spawn(cache, n, start_at=None):
    env = dict(os.environ, NX_CODEGEN_CACHE=str(cache), PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-c", SCRIPT, str(ROOT / "nx_codegen" / "c" / "build.py"), str(n)]
    if start_at is not None:
        argv.append(repr(start_at))
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process):
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return json.loads(out)


def run_in_subprocess(cache, n):
    return finish(spawn(cache, n))


def listing(directory):
    """Every file under ``directory`` with its size and modification time."""
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in Path(directory).rglob("*") if p.is_file()}


def delta(before):
    after = build.stats()
    return {name: after[name] - before[name] for name in after}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NX_CODEGEN_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_build_and_call(cache):
    adder = build.load(ADD, ADD_CDEF)
    assert adder.lib.add(1.5, 2.25) == 3.75
    assert math.copysign(1.0, adder.lib.add(-0.0, -0.0)) == -1.0  # no -ffast-math
    assert math.isnan(adder.lib.add(math.inf, -math.inf))
    summer = build.load(TOTAL, TOTAL_CDEF)
    x = np.random.default_rng(0).standard_normal(1001)
    expected = 0.0
    for value in x.tolist():  # the kernel's order of additions
        expected += value
    assert summer.lib.total(summer.ffi.from_buffer("double[]", x), x.size) == expected
    assert summer.ffi.from_buffer(x, require_writable=False) is not None  # the compiled backend's call
    assert summer.path.parent == cache and summer.path.name == f"{summer.key}.so"


def test_openmp_kernel_builds_and_runs(cache):
    source = """#include <stddef.h>
void scale(double *x, ptrdiff_t n, double a) {
    #pragma omp parallel for
    for (ptrdiff_t i = 0; i < n; i++) x[i] *= a;
}
"""
    library = build.load(source, "void scale(double *x, ptrdiff_t n, double a);")
    manifest = json.loads(library.path.with_suffix(".json").read_text())
    assert "-fopenmp" in manifest["flags"] and "-ffast-math" not in manifest["flags"]
    x = np.arange(10_000, dtype=np.float64)
    library.lib.scale(library.ffi.from_buffer("double[]", x), x.size, 2.0)
    assert np.array_equal(x, 2.0 * np.arange(10_000))


def test_same_key_twice_in_one_process_is_one_library(cache):
    before = build.stats()
    first = build.load(ADD.replace("add", "add_memo"), ADD_CDEF.replace("add", "add_memo"))
    files = listing(cache)
    second = build.load(ADD.replace("add", "add_memo"), ADD_CDEF.replace("add", "add_memo"))
    assert second is first and listing(cache) == files
    assert delta(before) == {"compiles": 1, "disk_hits": 0, "memory_hits": 1, "rebuilds": 0}


def test_threads_building_one_key_share_one_build(cache):
    source, cdef = kernel(7000)
    before = build.stats()
    with ThreadPoolExecutor(4) as pool:
        libraries = list(pool.map(lambda _: build.load(source, cdef), range(4)))
    assert all(library is libraries[0] for library in libraries)
    assert libraries[0].lib.kernel_7000(1) == 7001
    assert delta(before)["compiles"] == 1


def test_warm_hit_in_a_new_process(cache):
    cold = run_in_subprocess(cache, 1)
    assert cold["stats"]["compiles"] == 1 and cold["value"] == 2
    files = listing(cache)
    warm = run_in_subprocess(cache, 1)
    assert warm["stats"] == {"compiles": 0, "disk_hits": 1, "memory_hits": 0, "rebuilds": 0}
    assert warm["value"] == 2 and warm["path"] == cold["path"]
    assert listing(cache) == files  # nothing written, nothing touched
    assert not warm["pycparser"]  # the parsed cdef came from the cache too


def test_two_processes_building_the_same_kernel_at_once(cache):
    start_at = time.time() + 1.0  # both wait for this moment, so they race
    processes = [spawn(cache, 2, start_at) for _ in range(2)]
    results = [finish(p) for p in processes]
    assert [r["value"] for r in results] == [3, 3]
    assert sum(r["stats"]["compiles"] for r in results) == 1  # the other one waited, then hit
    assert build.cache_info(cache)["entries"] == 1
    assert not list(cache.glob("tmp-*"))
    source, _ = kernel(2)
    assert build._verify(cache, build.cache_key(source)) is None


def _flip_bytes(so, manifest):
    data = bytearray(so.read_bytes())
    data[len(data) // 2: len(data) // 2 + 16] = b"\xff" * 16
    so.write_bytes(bytes(data))


def _truncate(so, manifest):
    so.write_bytes(so.read_bytes()[:100])


def _drop_manifest(so, manifest):
    manifest.unlink()


def _garbage_manifest(so, manifest):
    manifest.write_text("{not json")


def _unloadable_but_consistent(so, manifest):
    """Bytes matching the manifest that the loader refuses: only dlopen can tell."""
    data = b"\x7fELF" + b"\0" * 60
    so.write_bytes(data)
    record = json.loads(manifest.read_text())
    record.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    manifest.write_text(json.dumps(record))


DAMAGES = [_flip_bytes, _truncate, _drop_manifest, _garbage_manifest, _unloadable_but_consistent]


@pytest.mark.parametrize("n, damage", list(enumerate(DAMAGES, start=100)), ids=[d.__name__ for d in DAMAGES])
def test_a_corrupt_entry_is_detected_and_rebuilt(cache, n, damage):
    run_in_subprocess(cache, n)
    source, cdef = kernel(n)
    key = build.cache_key(source)
    damage(cache / f"{key}.so", cache / f"{key}.json")
    before = build.stats()
    with pytest.warns(build.CacheWarning, match=f"{key[:12]}.*corrupt.*rebuilding"):
        library = build.load(source, cdef)
    assert getattr(library.lib, f"kernel_{n}")(1) == n + 1
    assert delta(before) == {"compiles": 1, "disk_hits": 0, "memory_hits": 0, "rebuilds": 1}
    assert build._verify(cache, key) is None
    assert build.cache_info(cache)["entries"] == 1


def test_a_damaged_parsed_cdef_is_parsed_again(cache):
    run_in_subprocess(cache, 200)
    for path in (cache / "ffi").glob("*.py"):
        path.write_text("0" * 64 + "\n{'name': b'x'}")
    source, cdef = kernel(200)
    before = build.stats()
    assert build.load(source, cdef).lib.kernel_200(1) == 201
    assert delta(before)["disk_hits"] == 1
    assert warm_process_is_parser_free(cache, 200)


def warm_process_is_parser_free(cache, n):
    return not run_in_subprocess(cache, n)["pycparser"]


def test_an_interrupted_build_leaves_no_entry(cache, tmp_path):
    """A compiler killed mid-build (with its caller) leaves temporary files only."""
    marker = tmp_path / "compiling"
    slow_cc = tmp_path / "slow-cc"
    slow_cc.write_text(f'#!/bin/sh\n[ "$1" = --version ] && exec gcc --version\n'
                       f'touch {marker}\nexec sleep 30\n')
    slow_cc.chmod(0o755)
    env = dict(os.environ, NX_CODEGEN_CACHE=str(cache), PYTHONPATH=str(ROOT), CC=str(slow_cc))
    argv = [sys.executable, "-c", SCRIPT, str(ROOT / "nx_codegen" / "c" / "build.py"), "300"]
    process = subprocess.Popen(argv, env=env, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not marker.exists() and time.time() < deadline:
            time.sleep(0.02)
        assert marker.exists()
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the test's own process group
        process.wait()
    assert build.cache_info(cache)["entries"] == 0
    assert list(cache.glob("tmp-*.c"))
    source, cdef = kernel(300)  # a normal compiler then builds it
    assert build.load(source, cdef).lib.kernel_300(1) == 301


def test_stale_temporary_files_are_removed_on_the_next_build(cache):
    cache.mkdir(parents=True)
    old, fresh = cache / "tmp-old-1-aa.c", cache / "tmp-fresh-2-bb.c"
    old.write_text("int x;")
    fresh.write_text("int y;")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    build.load(ADD.replace("add", "add_tmp"), ADD_CDEF.replace("add", "add_tmp"))
    assert not old.exists() and fresh.exists()


@pytest.mark.parametrize("source, needle", [
    ("double f(double x) { return x +; }\n", "expected expression"),
    ("double g(double x) { return expm1(x); }\n", "implicit declaration of function 'expm1'"),
])
def test_a_compiler_error_raises_build_error(cache, source, needle):
    with pytest.raises(build.BuildError, match=needle) as error:
        build.load(source, "double f(double);")
    assert needle in error.value.stderr
    assert error.value.source_path.parent == cache / "failed"
    assert error.value.source_path.read_text() == source
    assert build.cache_info(cache)["entries"] == 0
    assert build.cache_info(cache)["failed"] == 1
    assert not list(cache.glob("tmp-*"))


def test_a_missing_compiler_raises_build_error(cache, monkeypatch):
    monkeypatch.setenv("CC", "/nonexistent/cc")
    with pytest.raises(build.BuildError, match="cannot be run.*set CC"):
        build.load(ADD, ADD_CDEF)


def test_keys_follow_source_flags_and_openmp():
    keys = {
        "base": build.cache_key(ADD),
        "source": build.cache_key(ADD + "\n"),
        "flags": build.cache_key(ADD, ["-O2"]),
        "more flags": build.cache_key(ADD, ["-O2", "-g"]),
        "openmp": build.cache_key(ADD, openmp=True),
    }
    assert len(set(keys.values())) == len(keys)
    assert build.cache_key(ADD) == keys["base"] and build.cache_key(ADD, openmp=False) == keys["base"]
    assert all(build._KEY.match(key) for key in keys.values())


def test_keys_follow_the_cache_version(monkeypatch):
    before = build.cache_key(ADD)
    monkeypatch.setattr(build, "CACHE_VERSION", build.CACHE_VERSION + 1)
    assert build.cache_key(ADD) != before


@pytest.mark.parametrize("source, expected", [
    ("int x;", None),
    ("#pragma omp parallel for\nint x;", "-fopenmp"),
    ("  #  pragma omp for\nint x;", "-fopenmp"),
    ("#pragma omp simd\nint x;", "-fopenmp-simd"),
    ("#pragma omp declare simd\nint x;", "-fopenmp-simd"),
    ("#pragma omp simd\n#pragma omp parallel\nint x;", "-fopenmp"),
    ("// #pragma omp parallel\nint x;", None),
])
def test_openmp_is_detected_from_the_pragmas(source, expected):
    flags = build.compile_flags(source)
    assert flags[:len(build.DEFAULT_FLAGS)] == build.DEFAULT_FLAGS
    assert flags[len(build.DEFAULT_FLAGS):] == ((expected,) if expected else ())
    assert "-fopenmp" not in build.compile_flags(source, openmp=False)


@pytest.mark.parametrize("flag", sorted(build._UNSAFE_FLAGS))
def test_flags_breaking_ieee_semantics_are_refused(flag):
    with pytest.raises(ArgumentError, match=f"flags: {flag} breaks NaN"):
        build.compile_flags(ADD, ["-g", flag])


def test_flags_must_be_a_list_of_strings():
    with pytest.raises(ArgumentError, match="list of strings, got the string '-O2'"):
        build.compile_flags(ADD, "-O2")
    with pytest.raises(ArgumentError, match="got 2 in"):
        build.compile_flags(ADD, ["-O", 2])


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NX_CODEGEN_CACHE", str(tmp_path / "a"))
    assert build.cache_dir() == tmp_path / "a"
    monkeypatch.delenv("NX_CODEGEN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert build.cache_dir() == tmp_path / "xdg" / "nx_codegen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert build.cache_dir() == tmp_path / "home" / ".cache" / "nx_codegen"


def test_cache_info_and_clear_cache(cache):
    libraries = [build.load(*kernel(n)) for n in (400, 401)]
    with pytest.raises(build.BuildError):
        build.load("int broken(", "int broken(void);")
    (cache / "keep.txt").write_text("not ours")
    info = build.cache_info()
    expected_bytes = sum(p.stat().st_size for lib in libraries for p in (lib.path, lib.path.with_suffix(".json")))
    assert info == {"directory": str(cache), "entries": 2, "bytes": expected_bytes, "failed": 1}
    assert build.clear_cache() >= 2 * 2 + 2  # two entries, the failed source and its log
    assert build.cache_info()["entries"] == 0 and build.cache_info()["failed"] == 0
    assert sorted(p.name for p in cache.iterdir()) == ["keep.txt"]
    before = build.stats()
    assert build.load(*kernel(400)).lib.kernel_400(1) == 401  # forgotten in memory: rebuilt
    assert delta(before)["compiles"] == 1


def test_a_library_the_loader_refuses_raises_build_error(cache):
    source = "extern double not_defined_anywhere(double);\ndouble h(double x) { return not_defined_anywhere(x); }\n"
    with pytest.raises(build.BuildError, match="could not be loaded.*not_defined_anywhere"):
        build.load(source, "double h(double);")
    assert build.cache_info(cache)["entries"] == 0


def test_without_cffis_renderer_the_parsed_cdef_is_used(cache, monkeypatch):
    from cffi import recompiler

    def broken(*args, **kwargs):
        raise RuntimeError("renderer unavailable")
    monkeypatch.setattr(recompiler, "make_py_source", broken)
    source, cdef = kernel(500)
    assert build.load(source, cdef).lib.kernel_500(1) == 501
    assert not (cache / "ffi").exists()


def test_the_compiler_version_is_remembered_by_executable_stamp(tmp_path, monkeypatch):
    """A warm start reads the compiler's --version line from the cache instead of
    running the compiler; a changed executable (another stamp) runs it again."""
    monkeypatch.setenv("NX_CODEGEN_CACHE", str(tmp_path))
    monkeypatch.setattr(build, "_process", {})
    identity = build._compiler_identity()
    stamp = build._executable_stamp(build._compiler()[0])
    assert stamp is not None
    assert json.loads((tmp_path / "compilers.json").read_text()) == {stamp: identity[1]}
    monkeypatch.setattr(build, "_process", {})
    monkeypatch.setattr(build.subprocess, "run", None)      # would fail if called
    assert build._compiler_identity() == identity
    assert build._remembered_version(stamp + "-other") is None
