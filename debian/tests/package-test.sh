#!/bin/sh
# Builds the Debian package, checks it with lintian, installs it, checks what it put in
# place, and purges it. Installing conflicts with Debian's rtpengine-daemon (the reference
# the differential tests use), so that package is put back afterwards when it was there.
# Needs root; `make package-test` runs it.
set -e
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
arch=$(dpkg --print-architecture)
dpkg-buildpackage -us -uc -b
deb="$(cd .. && pwd)/rtpengine-swift-daemon_0.1.0_${arch}.deb"
echo "package-test: lintian"
lintian --fail-on error --suppress-tags no-manual-page "$deb"
reference=$(dpkg-query -W -f='${Status}' rtpengine-daemon 2>/dev/null | grep -c 'ok installed' || true)
restore() {
	if [ "$reference" = 1 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q rtpengine-daemon >/dev/null
	fi
}
trap restore EXIT
echo "package-test: install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >/dev/null
rtpengine --version | grep -q 'Swift media proxy'
rtpengine-supervisor check -c /etc/rtpengine/rtpengine.conf
for u in rtpengine.service rtpengine@.service rtpengine-supervisor.service; do test -f "/lib/systemd/system/$u"; done
test -f /usr/share/man/man5/rtpengine.conf.5.gz
# Nothing is enabled on installation.
! ls /etc/systemd/system/multi-user.target.wants/ 2>/dev/null | grep -q rtpengine
echo "package-test: purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q rtpengine-swift-daemon >/dev/null
test ! -e /usr/bin/rtpengine-supervisor
test ! -e /etc/rtpengine
test ! -e /var/spool/rtpengine
echo "package-test: ok"
