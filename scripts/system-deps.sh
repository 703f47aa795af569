#!/usr/bin/env bash
# System packages the tests and chart export need: Chromium (kaleido, Playwright),
# CJK fonts (Chinese in charts), a PostgreSQL server (store tests) and nginx (the
# load balancer of the replica tests in tests/scale/).
# On Debian as root they are installed with apt-get when missing; elsewhere the
# script says what is missing. With --optional (make run) it never fails.
set -u
optional=0; [ "${1:-}" = "--optional" ] && optional=1
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$optional" = 1 ]; then
  # make run: only what the app itself uses (not the test database or proxy).
  app_missing=()
  for pkg in "${missing[@]}"; do
    [ "$pkg" != postgresql ] && [ "$pkg" != nginx-light ] && app_missing+=("$pkg")
  done
  missing=("${app_missing[@]}")
  [ ${#missing[@]} -eq 0 ] && exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    exit 0
  fi
fi
echo "Missing system packages: ${missing[*]}. Install them (Debian: apt-get install ${missing[*]});" \
     "without Chromium, PNG/SVG/PDF export is unavailable (HTML and data exports still work)." >&2
[ "$optional" = 1 ] && exit 0
exit 1
