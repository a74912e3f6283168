"""``make docs-check``: the built site, served on localhost, checked in headless Chromium.

``python docs/_ext/nxcheck.py [HTML_DIR [SCREENSHOT_DIR]]`` serves the site with
``python -m http.server``, installs Debian's ``chromium`` if it is missing, and
for each page of :data:`PAGES` takes a screenshot and dumps the DOM. A page
fails when Chromium logs a console message (``--enable-logging=stderr``: script
errors and failed resource loads), when the server answers 404 to any request,
or when an expected text is missing (the op page must show its signature).
Exit status 0 when every page passes.
"""

from __future__ import annotations

import html.parser
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["PAGES", "page_text", "console_errors", "missing_texts", "main"]

# (page, texts its rendered DOM must contain; whitespace is ignored)
PAGES = (
    ("index.html", ["nx-ref"]),
    ("ops/sum.html", ["nx.sum(tensor, *, axes=None, keep_axes=False)", "Type rule", "Examples"]),
    ("reference/types.html", ["Promotion table", "f8_e4m3fn"]),
    ("guides/performance.html", ["softmax"]),
)


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(dom: str) -> str:
    """The visible text of a DOM dump, without whitespace.

    >>> page_text("<p>nx.sum(<em>tensor</em>, *)</p><script>x = 1</script>")
    'nx.sum(tensor,*)'
    """
    parser = _Text()
    parser.feed(dom)
    return re.sub(r"\s+", "", "".join(parser.parts))


def console_errors(stderr: str) -> list:
    """Console messages in Chromium's log (any console output counts).

    >>> console_errors('[1:2:INFO:CONSOLE(3)] "Uncaught ReferenceError: x", source: a.js (3)\\nother')
    ['[1:2:INFO:CONSOLE(3)] "Uncaught ReferenceError: x", source: a.js (3)']
    """
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def missing_texts(dom: str, texts) -> list:
    """The expected texts absent from the DOM (whitespace ignored).

    >>> missing_texts("<h1>nx.sum(tensor, *, axes=None)</h1>", ["nx.sum(tensor,*, axes=None)", "Types"])
    ['Types']
    """
    text = page_text(dom)
    return [t for t in texts if re.sub(r"\s+", "", t) not in text]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    print("docs-check: installing Debian's chromium", flush=True)
    subprocess.run(["apt-get", "install", "-y", "chromium"], check=True,
                   stdout=subprocess.DEVNULL)
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chrome(browser, *args, timeout=120):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--enable-logging=stderr", "--v=0", "--hide-scrollbars", "--window-size=1280,1400", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def _check_page(browser, url, shot, texts) -> list:
    problems = []
    grab = _chrome(browser, f"--screenshot={shot}", url)
    dump = _chrome(browser, "--dump-dom", url)
    problems += [f"console: {line}" for line in console_errors(grab.stderr + dump.stderr)]
    if not shot.exists():
        problems.append(f"no screenshot (exit status {grab.returncode})")
    problems += [f"missing text: {t!r}" for t in missing_texts(dump.stdout, texts)]
    return problems


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    site = Path(argv[0] if argv else "docs/_build/html").resolve()
    shots = Path(argv[1] if len(argv) > 1 else site.parent / "screenshots").resolve()
    if not (site / "index.html").exists():
        print(f"docs-check: no built site in {site}; run make docs first", file=sys.stderr)
        return 2
    browser = _chromium()
    shots.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    failed = False
    try:
        time.sleep(1.0)
        for page, texts in PAGES:
            shot = shots / (page.replace("/", "_").replace(".html", ".png"))
            if shot.exists():
                shot.unlink()
            problems = _check_page(browser, f"http://127.0.0.1:{port}/{page}", shot, texts)
            failed |= bool(problems)
            print(f"{page}: " + ("ok, " + str(shot) if not problems else "; ".join(problems)), flush=True)
    finally:
        server.terminate()
        log = server.communicate(timeout=10)[1]
    # browsers ask for /favicon.ico on their own; the site has none
    not_found = [line for line in log.splitlines() if '" 404 ' in line and "/favicon.ico" not in line]
    for line in not_found:
        print(f"docs-check: server answered 404: {line}")
    return 1 if failed or not_found else 0


if __name__ == "__main__":
    sys.exit(main())
