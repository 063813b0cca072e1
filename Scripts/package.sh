#!/usr/bin/env bash
# Builds discoveryd as one self-contained release binary (the Swift standard library and Foundation linked
# statically) and packs it with the systemd unit, example configurations, README and LICENSE into a tarball.
#
# Usage: Scripts/package.sh [output-directory]     (default: dist/ in the repository)
# Prints the tarball's path on the last line. Fails if the binary would need a Swift runtime library.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out="${1:-$repo/dist}"
# Its own build folder, so that a release build never waits on (or invalidates) the debug one in .build/.
scratch="${DISCOVERYD_RELEASE_SCRATCH:-$repo/.build-release}"
cd "$repo"

build=(swift build -c release --product discoveryd --static-swift-stdlib --scratch-path "$scratch")
if [ "$(uname -s)" = "Linux" ]; then
    # The toolchain's static-stdlib link exports every symbol of the package's own objects (--export-dynamic):
    # 44,000 dynamic symbols whose table and hash the loader reads at start (1.7 MiB of a --once cycle's
    # resident memory). Nothing looks the executable's symbols up at run time; crash backtraces read .symtab.
    build+=(-Xlinker --no-export-dynamic)
    # Each function in its own section, so that the linker's --gc-sections (SwiftPM passes it) drops the ones
    # nothing calls from the package's and its dependencies' code: 1.8 MB less text, and the code a cycle
    # runs is denser (about 1 MiB less of it mapped in a --once cycle).
    build+=(-Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections)
fi
echo "package: ${build[*]}"
start=$SECONDS
"${build[@]}"
echo "package: release build took $((SECONDS - start)) s"
binary="$("${build[@]}" --show-bin-path)/discoveryd"

# Self-contained means: only the C library and its friends, which every Debian/Ubuntu/RHEL-family machine has.
if [ "$(uname -s)" = "Linux" ]; then
    echo "package: dynamic dependencies of the binary:"
    ldd "$binary" | sed 's/^/package:   /'
    if ldd "$binary" | grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu[a-z]*swift|lib_FoundationICU'; then
        echo "package: the binary needs Swift runtime libraries (above); it must link them statically" >&2
        exit 1
    fi
fi

version="$("$binary" --version)"
name="discoveryd-${version}-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/systemd" "$root/examples/demo"
# Debug sections make up most of the binary; the symbol table stays, so crash backtraces keep their names.
strip --strip-debug -o "$root/bin/discoveryd" "$binary"
cp Packaging/systemd/discoveryd.service "$root/systemd/"
cp Packaging/systemd/env.example "$root/systemd/"
cp Fixtures/config/python-daemon-example.yaml "$root/examples/config.yaml"
cp Fixtures/demo/config.yaml Fixtures/demo/instances.yaml Fixtures/demo/haproxy.cfg "$root/examples/demo/"
cp README.md "$root/"
if [ -f LICENSE ]; then cp LICENSE "$root/"; fi

mkdir -p "$out"
tarball="$out/$name.tar.gz"
tar -C "$stage" -czf "$tarball" "$name"
echo "package: binary $(stat -c %s "$binary") bytes as built, $(stat -c %s "$root/bin/discoveryd") bytes packaged" \
    "(debug sections stripped); tarball $(stat -c %s "$tarball") bytes"
echo "$tarball"
