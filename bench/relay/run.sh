#!/bin/sh
# bench/relay: see relaybench.py. Builds our daemon (release) first.
set -e
cd "$(dirname "$0")/../.."
swift build -c release --product rtpengine >/dev/null
exec python3 bench/relay/relaybench.py "$@"
