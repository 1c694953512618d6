#!/usr/bin/env bash
# Checks a built package the way a Debian machine would meet it (`make deb-check`, run by CI):
# its metadata and contents, lintian (no error), an install into a scratch root with dpkg, then
# `mes --version`, `mes --help` and `mes --demo` (in tmux, 80x24) from the installed /usr/bin,
# with an empty environment, run from / — nothing from the source tree.
#   Packaging/check-deb.sh .build/deb/mes_0.1.0_amd64.deb
set -euo pipefail
# Outputs are read whole before grep -q looks at them: under pipefail, a writer still writing
# when grep -q has found its line and gone dies of SIGPIPE, and the check fails at random.
deb=$(readlink -f "$1")
scratch=$(mktemp -d /tmp/mes-deb-check.XXXXXX)
session="mes-deb-check-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT
fail() { echo "deb-check: $*" >&2; exit 1; }

echo "== dpkg-deb --info"
dpkg-deb --info "$deb"
echo "== dpkg-deb --contents"
contents=$(dpkg-deb --contents "$deb")
echo "$contents"
for path in ./usr/bin/mes ./usr/bin/mes-server ./usr/share/mes/Localization/fr/cli.po ./usr/share/mes/Resources/ \
    ./usr/share/man/man1/mes.1.gz ./usr/share/man/man8/mes-server.8.gz ./usr/share/man/fr/man1/mes.1.gz \
    ./usr/share/bash-completion/completions/mes ./usr/share/zsh/vendor-completions/_mes \
    ./usr/share/fish/vendor_completions.d/mes.fish ./usr/share/doc/mes/copyright \
    ./lib/systemd/system/mes-server.service ./etc/default/mes-server; do
    grep -q " $path\$" <<< "$contents" || grep -q " $path -> " <<< "$contents" || fail "missing $path"
done
grep -q libsodium <<< "$(dpkg-deb --field "$deb" Depends)" || fail "Depends lacks the linked libraries"
# The licence: machine-readable (DEP-5), EUPL-1.2 with its full text.
copyright=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/mes/copyright)
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/$' <<< "$copyright" || fail "copyright is not DEP-5"
grep -q '^License: EUPL-1.2$' <<< "$copyright" || fail "copyright lacks the EUPL-1.2 text paragraph"
grep -q '^ 15. Applicable Law$' <<< "$copyright" || fail "copyright lacks the full EUPL text"

echo "== lintian"
lintian --fail-on error --tag-display-limit 0 --allow-root "$deb"

echo "== install into a scratch root"
mkdir -p "$scratch/root/var/lib/dpkg/info" "$scratch/root/var/lib/dpkg/updates" "$scratch/home" "$scratch/demo-home"
touch "$scratch/root/var/lib/dpkg/status"
# The scratch database knows no other package: the libraries come from this machine, where
# `apt install ./mes_….deb` would check them.
dpkg --root="$scratch/root" --force-depends --force-not-root -i "$deb"
grep -q '^Status: install ok installed' <<< "$(dpkg --root="$scratch/root" -s mes)" || fail "not installed"
usr="$scratch/root/usr"
clean=(env -i HOME="$scratch/home" PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=xterm-256color)
cd /

echo "== mes --version"
"${clean[@]}" "$usr/bin/mes" --version | tee "$scratch/version"
grep -q '^SQLite 3' "$scratch/version" || fail "mes --version names no SQLite"
"${clean[@]}" "$usr/bin/mes-server" --version
grep -q "Codes de sortie" <<< "$("${clean[@]}" "$usr/bin/mes" --lang fr --help)" || fail "the installed mes found no catalogue"
grep -q "comptes-rendus" <<< "$("${clean[@]}" "$usr/bin/mes" --lang en help documents add)" || fail "no per-command help"
grep -q '^\.SH COMMANDS' <<< "$(zcat "$usr/share/man/man1/mes.1.gz")" || fail "man page"

echo "== mes --demo (tmux, 80x24)"
tmux new-session -d -s "$session" -x 80 -y 24 \
    "${clean[*]} HOME=$scratch/demo-home $usr/bin/mes --demo; echo EXITED \$?; sleep 30"
wait_for() {
    for _ in $(seq 1 120); do
        screen=$(tmux capture-pane -p -t "$session")
        local all=1
        for text in "$@"; do grep -qF "$text" <<< "$screen" || all=0; done
        [ "$all" = 1 ] && return 0
        grep -q "EXITED" <<< "$screen" && break
        sleep 0.5
    done
    echo "$screen"
    fail "waited for: $*"
}
wait_for "Hélène MARTINEAU" "Synchro : à jour" "1 Accueil"
tmux send-keys -t "$session" 2
wait_for "Résultats de biologie" "Ordonnances et soins"
echo "$screen"
tmux send-keys -t "$session" q
wait_for "Quitter mes ?"
tmux send-keys -t "$session" o
wait_for "EXITED 0"
echo "deb-check: all good ($deb)"
