#!/usr/bin/env bash
# bench/ng: offer+answer+delete cycles per second and daemon CPU per ng request, ours and
# the reference rtpengine's, in one run. Builds the release daemon first.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product rtpengine >/dev/null
exec python3 bench/ng/ngbench.py
