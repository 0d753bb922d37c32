#!/usr/bin/env bash
# Runs a command in a temporary copy of this checkout whose @pulumi/pulumi is another version:
#   scripts/with-pulumi-sdk.sh lowest npm run test:plugin
#   scripts/with-pulumi-sdk.sh 3.230.0 npm run test:e2e
# `lowest` is the lowest version of the peerDependencies range in package.json.
#
# Why: the user's own @pulumi/pulumi runs the provider (the dynamic-provider plugin is the
# program's SDK), so CI tests the lowest SDK the peer range admits as well as the newest (the dev
# dependency). A copy, so the checkout's node_modules stay as the lock file says. It needs an
# installed checkout (`npm ci`) and a built dist/; the copy is removed afterwards.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: scripts/with-pulumi-sdk.sh <lowest|x.y.z> <command> [args...]" >&2
  exit 2
fi
want=$1
shift

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "$want" = lowest ]; then
  want=$(node -p 'require(process.argv[1]).peerDependencies["@pulumi/pulumi"].match(/\d+\.\d+\.\d+/)[0]' "$root/package.json")
fi
if [ ! -d "$root/node_modules" ] || [ ! -f "$root/dist/provider/index.js" ]; then
  echo "with-pulumi-sdk.sh: run \`npm ci\` and \`npm run build\` first" >&2
  exit 2
fi

copy=$(mktemp -d "${TMPDIR:-/tmp}/webex-sdk-$want.XXXXXX")
trap 'rm -rf "$copy"' EXIT
# Everything but git's data and the caches in .local/ (which hold, e.g., the Node binaries).
tar -C "$root" --exclude=./.git --exclude=./.local -cf - . | tar -C "$copy" -xf -
(cd "$copy" && npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "@pulumi/pulumi@$want" >&2)
# The checkout's dist/ (built against the newest SDK's types) is what runs: record it as current, so
# `npm start` in the copy runs dist/ instead of rebuilding, which would type-check the stand-in engine
# against the older SDK's protocol types and fail (the build stamp lives in the excluded .local/).
mkdir -p "$copy/.local" && touch "$copy/.local/build.stamp"
got=$(cd "$copy" && node -p 'require("@pulumi/pulumi/package.json").version')
if [ "$got" != "$want" ]; then
  echo "with-pulumi-sdk.sh: asked for @pulumi/pulumi $want, the copy has $got" >&2
  exit 1
fi
echo "with-pulumi-sdk.sh: @pulumi/pulumi $got in $copy: $*" >&2
cd "$copy"
"$@"
