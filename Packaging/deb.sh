#!/usr/bin/env bash
# Builds mes_<version>_<arch>.deb from built binaries:  Packaging/deb.sh BIN_DIR OUT_DIR
# (`make deb` builds them in release mode with the Swift runtime linked statically, then calls
# this). One package holds both programs: `mes --demo`, the first thing a newcomer runs,
# starts `mes-server`; both read the same /usr/share/mes; the server's unit is installed
# disabled, so having it costs a kiosk nothing but one small library (libmicrohttpd).
# The man pages and completions are generated here by the binaries themselves, from the
# command table they parse with, so they cannot drift from it (Docs/cli.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
bin=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
umask 022
# The maintainer named in the control file and the changelog (set DEB_MAINTAINER to yours).
maintainer=${DEB_MAINTAINER:-mes developers <mes@example.org>}

version=$("$bin/mes" --version | head -n 1 | cut -d ' ' -f 2)
arch=$(dpkg --print-architecture)
root="$out/mes_${version}_${arch}"
rm -rf "$root"
mkdir -p "$root/DEBIAN"

# Programs, stripped.
install -D -m 0755 "$bin/mes" "$root/usr/bin/mes"
install -D -m 0755 "$bin/mes-server" "$root/usr/bin/mes-server"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/mes" "$root/usr/bin/mes-server"

# Data, where the programs look for it: share/mes beside their install prefix (DESIGN §4).
mkdir -p "$root/usr/share/mes"
cp -R "$repo/Localization" "$repo/Resources" "$root/usr/share/mes/"
find "$root/usr/share/mes" -type d -exec chmod 0755 {} +
find "$root/usr/share/mes" -type f -exec chmod 0644 {} +

# Man pages (English in man1/man8, French in fr/) and completions (in French, the programs'
# default language), from the staged binaries reading the staged data.
run() { env -u MES_SHARE_DIR LC_ALL=C.UTF-8 "$root/usr/bin/$@"; }
for lang in en fr; do
    prefix=$([ "$lang" = en ] && echo "" || echo "$lang/")
    mkdir -p "$root/usr/share/man/${prefix}man1" "$root/usr/share/man/${prefix}man8"
    run mes --lang "$lang" help --man | gzip -9n > "$root/usr/share/man/${prefix}man1/mes.1.gz"
    run mes-server --lang "$lang" help --man | gzip -9n > "$root/usr/share/man/${prefix}man8/mes-server.8.gz"
done
mkdir -p "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d"
for program in mes mes-server; do
    run "$program" --lang fr completion bash > "$root/usr/share/bash-completion/completions/$program"
    run "$program" --lang fr completion zsh > "$root/usr/share/zsh/vendor-completions/_$program"
    run "$program" --lang fr completion fish > "$root/usr/share/fish/vendor_completions.d/$program.fish"
done

# Documentation: copyright and the changelog a native package carries.
mkdir -p "$root/usr/share/doc/mes"
install -m 0644 "$here/copyright" "$root/usr/share/doc/mes/copyright"
date=$(git -C "$repo" log -1 --format=%cD 2>/dev/null || date -R)
printf 'mes (%s) unstable; urgency=medium\n\n  * Built from the mes source tree (%s).\n\n -- %s  %s\n' \
    "$version" "$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$maintainer" "$date" \
    | gzip -9n > "$root/usr/share/doc/mes/changelog.gz"

# The server's hardened unit, disabled (no maintainer script enables or starts it), and its options.
install -D -m 0644 "$here/mes-server.service" "$root/lib/systemd/system/mes-server.service"
install -D -m 0644 "$here/mes-server.default" "$root/etc/default/mes-server"
echo /etc/default/mes-server > "$root/DEBIAN/conffiles"

# Dependencies: the Debian libraries the binaries link, as dpkg-shlibdeps finds them.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: mes\n\nPackage: mes\nArchitecture: any\n' > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O ${MES_DEB_SHLIBDEPS_FLAGS:-} "$root/usr/bin/mes" "$root/usr/bin/mes-server" \
    | sed -n 's/^shlibs:Depends=//p')

size=$(du -sk --apparent-size "$root/usr" "$root/lib" "$root/etc" | awk '{ total += $1 } END { print total }')
{
    echo "Package: mes"
    echo "Version: $version"
    echo "Architecture: $arch"
    echo "Maintainer: $maintainer"
    echo "Installed-Size: $size"
    echo "Depends: $depends"
    echo "Recommends: poppler-utils, cups-client"
    echo "Section: utils"
    echo "Priority: optional"
    cat "$here/description"
} > "$root/DEBIAN/control"
(cd "$root" && find usr lib -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums" "$root/DEBIAN/conffiles"

dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/mes_${version}_${arch}.deb" >/dev/null
rm -rf "$root"
echo "$out/mes_${version}_${arch}.deb"
