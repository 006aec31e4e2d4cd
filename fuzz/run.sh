#!/usr/bin/env bash
# Builds the ng/SDP fuzz target with libFuzzer and AddressSanitizer and runs it for a
# bounded time (FUZZ_SECONDS, default 60) from the seed corpus. Exits non-zero on a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out" "$out/corpus"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -I "$out" -L "$out")
build() {  # module name, then its sources
    local name=$1; shift
    swiftc "${flags[@]}" -emit-library -static -module-name "$name" -emit-module-path "$out/$name.swiftmodule" \
        -o "$out/lib$name.a" "$@"
}
# gold warns about every ASan helper symbol; the warnings say nothing about our code.
quiet() { "$@" 2> >(grep -v "Cannot export local symbol" >&2); }
build ByteText Sources/ByteText/*.swift
build Bencode Sources/Bencode/*.swift
build NetAddress Sources/NetAddress/*.swift
build SDP Sources/SDP/*.swift
build NG Sources/NG/*.swift
build Session Sources/Session/*.swift
quiet swiftc "${flags[@]}" -o "$out/fuzz-ng" fuzz/FuzzNG.swift -lSession -lNG -lSDP -lNetAddress -lBencode -lByteText
cp fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
"$out/fuzz-ng" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 -print_final_stats=1 "$out/corpus" 2>&1 | tail -n 15
