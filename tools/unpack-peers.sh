#!/usr/bin/env bash
# Makes test peers that Debian ships as services available to the tests without installing
# them: installing rtpengine-daemon (the reference the differential tests compare with)
# enables and starts Debian's rtpengine on localhost:2223 with its iptables setup, and
# installing kamailio may start a SIP server on port 5060. Each package named here is
# downloaded and unpacked into .build-peers/PACKAGE instead (apt-get download + dpkg -x);
# only its dependencies, libraries and tools without services, are installed with apt.
# Nothing is enabled or started. Runs again only when the candidate version changes.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.build-peers
mkdir -p "$dest"
updated=
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }
for pkg in "$@"; do
	version=$(candidate "$pkg")
	if [ -z "$version" ] || [ "$version" = "(none)" ]; then
		if [ -z "$updated" ] && [ "$(id -u)" = 0 ]; then apt-get update -qq; updated=1; fi
		version=$(candidate "$pkg")
	fi
	if [ -z "$version" ] || [ "$version" = "(none)" ]; then
		echo "unpack-peers: apt knows no package $pkg" >&2; exit 1
	fi
	stamp="$dest/$pkg/.version"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then continue; fi
	tmp=$(mktemp -d)
	chmod 755 "$tmp"  # apt-get download fetches as the _apt user
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -qq "$pkg=$version" >/dev/null)
	deb=$(echo "$tmp"/*.deb)
	# Pre-Depends and Depends: the first choice of each alternative, without versions.
	deps=$(dpkg-deb -f "$deb" Pre-Depends Depends | sed 's/^[A-Za-z-]*: //' | tr ',' '\n' |
		sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' | grep -v '^$' | sort -u)
	missing=
	for d in $deps; do
		dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q 'ok installed' || missing="$missing $d"
	done
	if [ -n "$missing" ]; then
		if [ "$(id -u)" != 0 ]; then echo "unpack-peers: $pkg needs$missing; run as root to install them" >&2; exit 1; fi
		echo "unpack-peers: installing what $pkg needs:$missing"
		# shellcheck disable=SC2086 # one word per package
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
	rm -rf "${dest:?}/$pkg"
	dpkg -x "$deb" "$dest/$pkg"
	echo "$version" >"$stamp"
	echo "unpack-peers: $pkg $version unpacked into $dest/$pkg"
	rm -rf "$tmp"
	trap - EXIT
done
