#!/usr/bin/env bash
# Builds the Docker image and runs physml inside it: "physml version" must
# name the openblas backend, a short pca and a one-epoch lstm must succeed,
# and the runtime stage must hold no compiler and no -dev package.
#
# With a Docker engine it uses "docker build". Without one (this project's
# machines have only the docker client) it builds the same Dockerfile with
# Debian's buildah (chroot isolation, vfs storage) and makes the two base
# images itself from a debootstrap of the configured Debian mirror:
# docker.io/library/debian:bookworm-slim and, with this machine's Go
# toolchain added, docker.io/library/golang:1.26-bookworm.
set -euo pipefail
cd "$(dirname "$0")/.."
image=physml:test
start=$(date +%s)

if docker info >/dev/null 2>&1; then
	docker build -t "$image" .
	trap 'docker rmi "$image" >/dev/null 2>&1 || true; docker image prune -f >/dev/null 2>&1 || true' EXIT
	run() { docker run --rm -e OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}" "$image" "$@"; }
	shell() { docker run --rm --entrypoint sh "$image" -c "$1"; }
	size=$(docker image inspect "$image" --format '{{.Size}}')" bytes"
else
	export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
	if ! command -v buildah >/dev/null || ! command -v debootstrap >/dev/null; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap >/dev/null
	fi
	bh() { buildah --storage-driver vfs "$@"; }
	if ! bh inspect --type image docker.io/library/debian:bookworm-slim >/dev/null 2>&1; then
		# the Debian mirror apt uses (only active source files; not the security archive)
		files=$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
		mirror=$(cat $files /dev/null | grep -E '^(deb |URIs:)' | grep -oE 'https?://[^ ]+' | grep -v security | grep -m1 debian || true)
		mirror=${mirror:-http://deb.debian.org/debian}
		root=$(mktemp -d)
		echo "docker-test: debootstrap bookworm from ${mirror}"
		debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/physml-debootstrap.log 2>&1 \
			|| { tail -20 /tmp/physml-debootstrap.log; exit 1; }
		rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
		ctr=$(bh from scratch)
		mnt=$(bh mount "$ctr")
		cp -a "$root"/. "$mnt"/
		bh umount "$ctr"
		bh config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash "$ctr"
		bh commit --rm "$ctr" docker.io/library/debian:bookworm-slim >/dev/null
		rm -rf "$root"
	fi
	if ! bh inspect --type image docker.io/library/golang:1.26-bookworm >/dev/null 2>&1; then
		goroot=$(go env GOROOT)
		ctr=$(bh from docker.io/library/debian:bookworm-slim)
		bh run "$ctr" -- sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates git >/dev/null && rm -rf /var/lib/apt/lists/*'
		mnt=$(bh mount "$ctr")
		mkdir -p "$mnt"/usr/local
		cp -a "$goroot" "$mnt"/usr/local/go
		# This machine reaches the module proxy through a TLS-inspecting
		# gateway: trust the same certificates as the host does.
		cp /etc/ssl/certs/ca-certificates.crt "$mnt"/etc/ssl/certs/ca-certificates.crt
		bh umount "$ctr"
		bh config --env PATH=/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			--env GOPATH=/go --env GOPROXY="$(go env GOPROXY)" --env GOSUMDB="$(go env GOSUMDB)" "$ctr"
		bh commit --rm "$ctr" docker.io/library/golang:1.26-bookworm >/dev/null
	fi
	# vfs storage copies the whole file system at every layer, so each build
	# leaves about 1.7 GB of images behind. Keep only what the next build can
	# reuse: the layers before the source is copied in, which are tagged
	# physml-cache:stageN below; remove the rest (also what an interrupted
	# run left).
	cleanup() {
		bh rmi -f "$image" >/dev/null 2>&1 || true
		bh rmi --prune >/dev/null 2>&1 || true
	}
	cleanup
	bh bud --layers -t "$image" . >/tmp/physml-docker-build.log 2>&1 || { tail -40 /tmp/physml-docker-build.log; cleanup; exit 1; }
	# the image of the step before each stage's first COPY of the sources
	awk '/^\[[0-9]+\/[0-9]+\] STEP 1\//{stage++; last=""}
		/^\[[0-9]+\/[0-9]+\] STEP [0-9]+\/[0-9]+: COPY (\. |--from)/{if(last!=""&&!seen[stage]++){print stage, last}; last=""}
		/^--> [0-9a-f]+$/{last=$2}' /tmp/physml-docker-build.log |
		while read -r stage id; do bh tag "$id" "localhost/physml-cache:stage$stage"; done
	ctr=$(bh from "$image")
	trap 'bh rm "$ctr" >/dev/null 2>&1 || true; cleanup' EXIT
	run() { bh run --env OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}" --env PHYSML_DATA=/usr/share/physml/mnist --workingdir /tmp "$ctr" -- physml "$@"; }
	shell() { bh run "$ctr" -- sh -c "$1" 2>/dev/null; }
	size=$(bh images --format '{{.Size}}' "$image" 2>/dev/null | head -1)
fi

version=$(run version)
echo "$version"
grep -q "blas    openblas" <<<"$version" || { echo "docker-test: image is not linked with OpenBLAS"; exit 1; }
run pca --limit 2000 --components 10 --out /tmp/out | tail -2
run lstm --epochs 1 --train-limit 2000 --test-limit 500 --layers 32 --out /tmp/out 2>/dev/null | grep -E "test accuracy"
if shell 'command -v gcc || command -v cc || ls /usr/include/cblas.h || dpkg -l | grep -E "^ii +[^ ]+-dev[: ]"' >/dev/null 2>&1; then
	echo "docker-test: the runtime stage holds a compiler or -dev packages"; exit 1
fi
echo "docker-test: runtime stage has no compiler and no -dev package"
echo "docker-test: image size ${size}; passed in $(( $(date +%s) - start )) s"
