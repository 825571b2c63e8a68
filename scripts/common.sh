# Shared settings of nova's scripts. Sourced, not run.
# shellcheck shell=bash
NOVA_CACHE=${NOVA_CACHE:-$HOME/.cache/nova}
ROOTFS=$NOVA_CACHE/rootfs
WORK=$NOVA_CACHE/work
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Paths as seen inside the build root.
IN_REPO=/src
IN_WORK=/cache
KVER=7.3
KSRC=$WORK/linux-source-$KVER
KBUILD=$WORK/kbuild
IN_KSRC=$IN_WORK/linux-source-$KVER
IN_KBUILD=$IN_WORK/kbuild
mkdir -p "$NOVA_CACHE" "$WORK"

log() { printf '[nova] %s\n' "$*" >&2; }
die() { printf '[nova] error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "this step needs root (debootstrap, chroot, mounts)"; }

# The Debian mirror for the build root: $NOVA_MIRROR, else the one the
# host's own apt uses, so that no mirror is named in the repository. Read
# from the one-line entries of /etc/apt/sources.list and
# /etc/apt/sources.list.d/*.list ("deb [options] URI SUITE COMPONENT...")
# and the deb822 stanzas of /etc/apt/sources.list.d/*.sources (Types, URIs,
# Suites, Components, Enabled): the first "deb" entry for the host's own
# Debian release (SUITE = VERSION_CODENAME of /etc/os-release) with the
# main component. That mirror carries every Debian suite, trixie and
# trixie-backports included.
debian_mirror() {
	if [ -n "${NOVA_MIRROR:-}" ]; then
		printf '%s\n' "${NOVA_MIRROR%/}"
		return
	fi
	local id codename files=() f uri
	id=$(. /etc/os-release 2>/dev/null && printf '%s' "${ID:-}")
	codename=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}")
	if [ "$id" != debian ] || [ -z "$codename" ]; then
		log "the host is not a Debian release (/etc/os-release): set NOVA_MIRROR to a Debian mirror"
		return 1
	fi
	# In apt's order: sources.list, then sources.list.d/ by name.
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*; do
		case "$f" in *.list | *.sources) [ -f "$f" ] && files+=("$f") ;; esac
	done
	[ ${#files[@]} -gt 0 ] && uri=$(awk -v want="$codename" '
		function consider(types, uris, suites, comps,   t, u, s, nt, nu, ns, i, j, k, tt, uu, ss) {
			if (found || (" " comps " ") !~ / main /) return
			nt = split(types, tt, " "); nu = split(uris, uu, " "); ns = split(suites, ss, " ")
			for (i = 1; i <= nt; i++) if (tt[i] == "deb")
				for (j = 1; j <= nu; j++) for (k = 1; k <= ns; k++)
					if (ss[k] == want && uu[j] ~ /^(https?|ftp|file):/) { found = uu[j]; return }
		}
		function stanza_end() {
			if (tolower(f["enabled"]) != "no")
				consider(f["types"], f["uris"], f["suites"], f["components"])
			split("", f); key = ""
		}
		FNR == 1 { if (deb822) stanza_end(); deb822 = (FILENAME ~ /\.sources$/) }
		deb822 {
			if ($0 ~ /^#/) next
			if ($0 ~ /^[ \t]*$/) { stanza_end(); next }
			if ($0 ~ /^[ \t]/) { if (key != "") f[key] = f[key] " " $0; next }
			key = tolower($0); sub(/:.*/, "", key)
			v = $0; sub(/^[^:]*:[ \t]*/, "", v); f[key] = v
			next
		}
		{
			sub(/#.*/, "")
			if ($1 != "deb") next
			i = 2
			if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			comps = ""
			for (j = i + 2; j <= NF; j++) comps = comps " " $j
			consider("deb", $i, $(i + 1), comps)
		}
		END { if (deb822) stanza_end(); if (found != "") print found }' "${files[@]}")
	if [ -z "${uri:-}" ]; then
		log "no \"deb\" entry for $codename with component main in the host's apt sources: set NOVA_MIRROR"
		return 1
	fi
	printf '%s\n' "${uri%/}"
}
