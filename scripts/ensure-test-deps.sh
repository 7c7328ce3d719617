#!/usr/bin/env bash
# Run before `npm test` and `npm run test:ha` (npm's pretest hooks): finds the system tools the tests
# need. As root on Debian it installs what is missing with apt-get, saying what; elsewhere it stops at
# once with the command to run. Silent and without apt-get when everything is there.
#
# Integration tests start their own redis-server processes; test/ide drives Debian's chromium
# (playwright-core launches /usr/bin/chromium and downloads no browser). The HA suite also needs
# redis-cli (`--cluster create`; Debian's redis-tools) and openssl (a throwaway CA for the TLS test).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing what the tests need from Debian's packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
else
  echo "The tests need these Debian packages (or your system's equivalents): ${missing[*]}." >&2
  echo "Install them, then run the tests again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
