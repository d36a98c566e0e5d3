# Shared by tools/run, tools/test and tools/bench: make sure this checkout can run.
# Sourced, not run. Creates .venv on first use, (re)installs the package when
# pyproject.toml changed, and makes sure Pango (WeasyPrint's system library) and
# a font are present, installing them with apt-get when it can.

ga_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ga_venv="$ga_root/.venv"

ga_say() { printf '%s\n' "$*" >&2; }

ga_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  ga_say "gap-analysis needs Python 3.11 or newer: install it (Debian: apt-get install python3 python3-venv)"
  return 1
}

ga_apt() {
  # ga_apt PACKAGE...: install Debian packages if we are root (or have sudo), else say how.
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
  fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    ga_say "missing system packages; install them with: sudo apt-get install -y $*"
    return 1
  fi
  ga_say "installing $* with apt-get ..."
  $sudo apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# grep reads to the end (no -q): under `set -o pipefail` an early exit made ldconfig die of
# SIGPIPE, the pipeline fail, and apt-get run on every call although the library was there.
ga_has_lib() { ldconfig -p 2>/dev/null | grep -F "$1" >/dev/null; }

ga_system_deps() {
  if ! ga_has_lib 'libpango-1.0.so.0' || ! ga_has_lib 'libpangoft2-1.0.so.0'; then
    ga_apt libpango-1.0-0 libpangoft2-1.0-0 || return 1
  fi
  if ! command -v fc-list >/dev/null 2>&1; then
    ga_apt fontconfig || return 1
  fi
  # The report's fonts ship inside the package; Chinese, Japanese and Korean text needs
  # Debian's Noto CJK fonts, found by fixed paths (gap_analysis/render/fonts.py).
  if [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
    ga_apt fonts-noto-cjk || ga_say "Chinese, Japanese and Korean text will warn: install fonts-noto-cjk"
  fi
  # pdftotext and pdffonts read PDFs back in the tests.
  if ! command -v pdftotext >/dev/null 2>&1; then
    ga_apt poppler-utils || ga_say "the tests read PDFs back with poppler: install poppler-utils"
  fi
  # Optional: harfbuzz's subsetter makes WeasyPrint write PDFs about 30% faster.
  if ! ga_has_lib 'libharfbuzz-subset.so.0'; then
    ga_apt libharfbuzz-subset0 >/dev/null 2>&1 || true
  fi
}

ga_venv_ready() {
  # ga_venv_ready EXTRAS: the venv exists and the package (with EXTRAS) is installed
  # for the current pyproject.toml.
  local extras="$1" stamp="$ga_venv/.ga-installed" want
  want="$(sha256sum "$ga_root/pyproject.toml" | cut -c1-16)-$extras"
  if [ ! -x "$ga_venv/bin/python" ]; then
    local py; py=$(ga_python) || return 1
    ga_say "creating $ga_venv ..."
    "$py" -m venv "$ga_venv" || { ga_say "could not create a venv (Debian: apt-get install python3-venv)"; return 1; }
  fi
  # An install with the test extras also serves `tools/run` (no extras).
  if [ -z "$extras" ] && [ -f "$stamp" ] && grep -q -- "^${want%-}-" "$stamp"; then return 0; fi
  if [ ! -f "$stamp" ] || ! grep -qx -- "$want" "$stamp"; then
    ga_say "installing gap-analysis${extras:+ [$extras]} into .venv ..."
    local spec="$ga_root"
    [ -n "$extras" ] && spec="$ga_root[$extras]"
    # uv (from PyPI, into the venv) resolves and installs in one step: 20 s on a fresh
    # machine where pip took 47 s. Bytecode compiled: PYTHONDONTWRITEBYTECODE may be set,
    # and every process of the tests would compile the libraries again. pip if uv fails.
    if ! { "$ga_venv/bin/python" -m pip install -q --disable-pip-version-check uv 2>/dev/null &&
      "$ga_venv/bin/uv" pip install -q --compile-bytecode --python "$ga_venv/bin/python" -e "$spec"; }; then
      "$ga_venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
      "$ga_venv/bin/python" -m pip install -q --disable-pip-version-check -e "$spec" 2>&1 |
        grep -v -e '^WARNING: Location' -e 'is ignored' >&2 || true
    fi
    "$ga_venv/bin/python" -c 'import gap_analysis' || return 1
    echo "$want" > "$stamp"
  fi
}

ga_pdf_tools() {
  # pdftotext (poppler-utils): the redline tests read PDFs back with it as well as with pypdf.
  if ! command -v pdftotext >/dev/null 2>&1; then
    ga_apt poppler-utils || { ga_say "pdftotext is missing; the redline PDF tests will fail"; return 1; }
  fi
}

ga_browser_deps() {
  # Programs only the tests use: headless Chromium and its driver (the archive
  # site's browser tests) and gpg (a signed cut). Without them those tests
  # skip and say why; under CI=true they fail, and tools/test stops here.
  local packages=()
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    packages+=(chromium chromium-driver)
  fi
  command -v gpg >/dev/null 2>&1 || packages+=(gpg)
  [ "${#packages[@]}" -eq 0 ] && return 0
  ga_apt "${packages[@]}" && return 0
  ga_say "the tests that need ${packages[*]} will be skipped (and fail under CI=true)"
  return 1
}

ga_word_deps() {
  # pandoc and LibreOffice (Writer, no GUI) read back the DOCX files the tool writes
  # in the Word tests. About 70 s to install on a fresh Debian machine (measured).
  local missing=()
  command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  [ ${#missing[@]} -eq 0 ] && return 0
  ga_apt "${missing[@]}" && return 0
  ga_say "the Word read-back tests will be skipped (and fail under CI=true)"
  return 1
}

ga_setup() {
  ga_system_deps || return 1
  ga_venv_ready "$1" || return 1
}
