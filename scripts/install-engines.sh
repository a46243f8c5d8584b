#!/usr/bin/env bash
# Installs the browser engines the test matrix drives (Debian bookworm; see docs/compatibility.md):
#   - Chromium from apt (/usr/bin/chromium)
#   - Firefox ESR 140.x and 153.x side by side, each unpacked from its .deb into
#     .cache/engines/firefox-<major>/ (the 140 .deb is also installed once with apt so the shared
#     libraries both need are present).
#   - WebKitGTK from apt (libwebkit2gtk-4.1-0: its MiniBrowser, driven under Xvfb; xauth and
#     webkit2gtk-driver's WebKitWebDriver come along for manual runs).
# Bun and Deno are not installed here: they are npm devDependencies (@oven/bun-linux-x64,
# @deno/linux-x64-glibc), so `npm ci` brings them.
# Idempotent: an engine already unpacked at the wanted version is left alone. Needs root or sudo.
# Writes .cache/engines/engines.json, which test/browser/run.mjs reads.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${ENGINES_CACHE:-$ROOT/.cache/engines}"
FIREFOX_MAJORS="${FIREFOX_MAJORS:-140 153}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

mkdir -p "$CACHE/debs"
echo "== apt-get update"
$SUDO apt-get update -qq

# Newest version apt offers for package $1 whose version starts with "$2." (empty if none).
candidate() {
  apt-cache madison "$1" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep "^$2\." | sort -V | tail -n1 || true
}

# Chromium
if command -v chromium >/dev/null 2>&1; then
  echo "== chromium already installed: $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?')"
else
  echo "== installing chromium"
  $SUDO apt-get install -y -qq --no-install-recommends chromium
fi

# WebKitGTK: MiniBrowser (in libwebkit2gtk-4.1-0) needs an X display; Xvfb gives it one.
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
WEBKIT_PKGS="libwebkit2gtk-4.1-0 webkit2gtk-driver xvfb xauth"
missing=""
for p in $WEBKIT_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ] && [ -x "$MINIBROWSER" ]; then
  echo "== webkitgtk already installed: $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0)"
else
  echo "== installing$missing"
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $WEBKIT_PKGS
fi

# Firefox ESR, one folder per major version.
first_ff=""
for major in $FIREFOX_MAJORS; do
  version="$(candidate firefox-esr "$major")"
  if [ -z "$version" ]; then
    echo "== firefox-esr $major.x: apt offers no such version here; skipping (apt-cache madison firefox-esr)" >&2
    continue
  fi
  dir="$CACHE/firefox-$major"
  if [ -f "$dir/.version" ] && [ "$(cat "$dir/.version")" = "$version" ] && [ -x "$dir/usr/lib/firefox-esr/firefox-esr" ]; then
    echo "== firefox-esr $version already unpacked in $dir"
  else
    echo "== unpacking firefox-esr $version into $dir"
    ( cd "$CACHE/debs" && apt-get download -qq -o APT::Sandbox::User=root "firefox-esr=$version" )
    deb="$(ls -1 "$CACHE/debs"/firefox-esr_"$(printf '%s' "$version" | sed 's/:/%3a/')"_*.deb | head -n1)"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    dpkg-deb -x "$deb" "$dir.tmp"
    printf '%s\n' "$version" > "$dir.tmp/.version"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    rm -f "$deb"
  fi
  if [ -z "$first_ff" ]; then first_ff="$version"; fi
done

# The shared libraries Firefox needs (GTK, X11 client libs...): install one firefox-esr package once.
if [ -n "$first_ff" ] && ! dpkg-query -W -f='${Status}' firefox-esr 2>/dev/null | grep -q 'install ok installed'; then
  echo "== installing firefox-esr $first_ff with apt for its shared libraries"
  $SUDO apt-get install -y -qq --no-install-recommends "firefox-esr=$first_ff"
fi

# Manifest for the test runner.
{
  echo "{"
  echo "  \"chromium\": { \"path\": \"$(command -v chromium || true)\", \"version\": \"$(dpkg-query -W -f='${Version}' chromium 2>/dev/null || true)\" },"
  if [ -x "$MINIBROWSER" ]; then
    echo "  \"webkit\": { \"path\": \"$MINIBROWSER\", \"version\": \"$(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null || true)\", \"xvfb\": \"$(command -v Xvfb || true)\" },"
  fi
  sep=""
  echo "  \"firefox\": ["
  for major in $FIREFOX_MAJORS; do
    dir="$CACHE/firefox-$major"
    [ -f "$dir/.version" ] || continue
    printf '%s    { "major": %s, "path": "%s", "version": "%s" }' "$sep" "$major" "$dir/usr/lib/firefox-esr/firefox-esr" "$(cat "$dir/.version")"
    sep=$',\n'
  done
  echo ""
  echo "  ]"
  echo "}"
} > "$CACHE/engines.json"
echo "== wrote $CACHE/engines.json"
cat "$CACHE/engines.json"
