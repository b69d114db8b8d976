#!/usr/bin/env bash
# Installs what physml needs on a fresh Debian machine: OpenBLAS and LAPACKE
# (for the netlib build), GNU time (ci/rss.sh) and the Go modules. Idempotent: quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libopenblas-dev liblapacke-dev gcc time; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
		need+=("$pkg")
	fi
done
if ((${#need[@]})); then
	echo "ci/setup.sh: installing ${need[*]}"
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

go mod download
(cd beam && go mod download)
