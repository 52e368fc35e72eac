#!/bin/sh
# verify_units.sh UNIT_DIR BREAKGLASS: `systemd-analyze verify` over the shipped drill units, with
# ExecStart pointed at the built binary (verify refuses a command that does not exist) and
# without the man page check (breakglass(1) is not installed in a build tree).
set -eu
units=$1 binary=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/local/bin/breakglass|$binary|" "$units/breakglass-drill.service" >"$work/breakglass-drill.service"
cp "$units/breakglass-drill.timer" "$work/"
# verify prints problems but may still exit 0 for some of them: any output is a failure.
out=$(systemd-analyze verify --man=no "$work/breakglass-drill.service" "$work/breakglass-drill.timer" 2>&1) || {
  printf '%s\n' "$out" >&2
  exit 1
}
if [ -n "$out" ]; then
  printf '%s\n' "$out" >&2
  exit 1
fi
echo "breakglass-drill.service and .timer verify"
