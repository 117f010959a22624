#!/bin/sh
# The browser tests drive Debian's Chromium (/usr/bin/chromium); no browser is downloaded.
# Installs it with apt when it is missing; without apt (or without root), says so and lets
# the browser tests skip themselves.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get is not available; the browser tests will be skipped." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-chromium: not root and no sudo; install chromium to run the browser tests." >&2
    exit 0
  fi
fi
echo "ensure-chromium: installing Debian's chromium for the browser tests…" >&2
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; }; then
  echo "ensure-chromium: could not install chromium; the browser tests will be skipped." >&2
fi
exit 0
