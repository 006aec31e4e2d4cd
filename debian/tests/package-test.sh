#!/bin/sh
# Builds the Debian packages (rtpengine-swift-daemon and rtpengine-swift-utils), checks
# them with lintian, installs them, checks what they put in place, and purges them.
# Installing conflicts with Debian's rtpengine-daemon and rtpengine-utils (the reference
# the differential tests use), so those packages are put back afterwards when they were
# there. Needs root; `make package-test` runs it.
set -e
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
arch=$(dpkg --print-architecture)
dpkg-buildpackage -us -uc -b
debs="$(cd .. && pwd)"
daemon_deb="$debs/rtpengine-swift-daemon_0.1.0_${arch}.deb"
utils_deb="$debs/rtpengine-swift-utils_0.1.0_${arch}.deb"
echo "package-test: lintian"
lintian --fail-on error --suppress-tags no-manual-page "$daemon_deb" "$utils_deb"
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -c 'ok installed' || true
}
reference=$(installed rtpengine-daemon)
reference_utils=$(installed rtpengine-utils)
work=$(mktemp -d)
daemon_pid=
restore() {
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
	put_back=
	if [ "$reference" = 1 ]; then put_back="rtpengine-daemon"; fi
	if [ "$reference_utils" = 1 ]; then put_back="$put_back rtpengine-utils"; fi
	if [ -n "$put_back" ]; then
		# shellcheck disable=SC2086 # one word per package
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $put_back >/dev/null
	fi
}
trap restore EXIT
# Units enabled before installing (Debian's rtpengine enables its own): installing ours
# must add none (removing the reference's may take some away).
find /etc/systemd/system -path '*.wants/*' | sort >"$work/wants.before"
echo "package-test: install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$daemon_deb" "$utils_deb" >/dev/null
rtpengine --version | grep -q 'Swift media proxy'
rtpengine-supervisor check -c /etc/rtpengine/rtpengine.conf
for u in rtpengine.service rtpengine@.service rtpengine-supervisor.service; do test -f "/lib/systemd/system/$u"; done
test -f /usr/share/man/man5/rtpengine.conf.5.gz
# Nothing is enabled on installation. (`set -e` ignores a failing `! pipeline`, hence the if.)
find /etc/systemd/system -path '*.wants/*' | sort >"$work/wants.after"
if [ -n "$(comm -13 "$work/wants.before" "$work/wants.after")" ]; then
	echo "package-test: a unit was enabled on installation" >&2; exit 1
fi
# rtpengine-ctl is ours (a compiled program, not the Perl script of rtpengine-utils).
test -x /usr/bin/rtpengine-ctl
head -c 4 /usr/bin/rtpengine-ctl | grep -q ELF
rtpengine-ctl --help >/dev/null
test -f /usr/share/man/man8/rtpengine-ctl.8.gz
# The installed tool talks to the installed daemon's CLI listener.
echo "package-test: rtpengine-ctl against the daemon"
rtpengine --config-file=none --table=-1 --interface=127.0.0.1 \
	--listen-ng=127.0.0.1:29222 --listen-cli=127.0.0.1:29900 \
	--pidfile="$work/rtpengine.pid" --foreground --log-stderr >"$work/daemon.log" 2>&1 &
daemon_pid=$!
tries=0
until rtpengine-ctl -ip 127.0.0.1 -port 29900 list numsessions >"$work/numsessions" 2>/dev/null; do
	tries=$((tries + 1))
	if [ "$tries" -ge 10 ]; then cat "$work/daemon.log" >&2; exit 1; fi
	sleep 1
done
grep -q '^Current sessions total: 0$' "$work/numsessions"
kill "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=
# Upgrade (the same packages installed over themselves run the upgrade paths of every
# maintainer script): the operator's edited configuration stays, the tools still work.
echo "package-test: upgrade"
echo "# edited by the operator" >>/etc/rtpengine/rtpengine.conf
DEBIAN_FRONTEND=noninteractive dpkg -i "$daemon_deb" "$utils_deb" >/dev/null
grep -q '^# edited by the operator$' /etc/rtpengine/rtpengine.conf
rtpengine --version | grep -q 'Swift media proxy'
rtpengine-ctl --help >/dev/null
test -d /var/spool/rtpengine
echo "package-test: purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q rtpengine-swift-daemon rtpengine-swift-utils >/dev/null
test ! -e /usr/bin/rtpengine-supervisor
test ! -e /usr/bin/rtpengine-ctl
test ! -e /etc/rtpengine/rtpengine.conf
# Folders stay only when another installed package (rtpengine-recording-daemon) owns them.
for d in /etc/rtpengine /var/spool/rtpengine; do
	if [ -e "$d" ] && ! dpkg -S "$d" >/dev/null 2>&1; then
		echo "package-test: purge left $d behind" >&2; exit 1
	fi
done
echo "package-test: ok"
