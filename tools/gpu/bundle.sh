#!/usr/bin/env bash
# Builds dist/gpu-bundle.tgz: everything needed to run Pixelgrad's GPU tests, sanitizer runs, benchmarks
# and a CUDA training run on a host that has an NVIDIA driver and CUDA libraries but no JDK or Maven:
# a jlink'd Java 25 runtime, the jars, the test classes, the JUnit console launcher and run.sh.
#   tools/gpu/bundle.sh             then, on the GPU host:   tar xzf gpu-bundle.tgz && gpu/run.sh all LOGDIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1; }
jdk=""
for d in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
  if [ -x "$d/bin/jlink" ] && [ "$(java_major "$d/bin/java" || echo 0)" -ge 25 ]; then jdk="$d"; break; fi
done
[ -n "$jdk" ] || { echo "bundle: no JDK 25+ with jlink found" >&2; exit 1; }

mvn -B -q -DskipTests package
stage="$root/dist/gpu"
rm -rf "$stage" && mkdir -p "$stage/lib" "$stage/test-classes"
cp fcn/target/pixelgrad-fcn-*.jar bench/target/pixelgrad-bench-*.jar "$stage/lib/"
rm -f "$stage"/lib/*-tests.jar "$stage"/lib/*-sources.jar "$stage"/lib/*-javadoc.jar
for list in fcn/target/runtime-classpath.txt bench/target/runtime-classpath.txt; do
  for jar in $(tr ':' ' ' < "$list"); do cp -n "$jar" "$stage/lib/"; done
done
# JCuda's natives: only the driver API's library is used (not the runtime's, NVRTC's or the PTX compiler's).
for natives in "$stage"/lib/jcuda-natives-*.jar; do
  python3 - "$natives" <<'EOF'
import os, sys, zipfile
jar = sys.argv[1]
with zipfile.ZipFile(jar) as src, zipfile.ZipFile(jar + ".tmp", "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if not item.filename.startswith(("lib/libJNvPTXCompiler", "lib/libJNvrtc", "lib/libJCudaRuntime")):
            dst.writestr(item, src.read(item.filename))
os.replace(jar + ".tmp", jar)
EOF
done
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4 \
    -DoutputDirectory="$stage/junit" >/dev/null
for m in tensor kernels autograd fcn; do cp -r "$m/target/test-classes" "$stage/test-classes/$m"; done
rm -rf "$stage/test-classes/tensor/golden"   # the CPU golden fixtures are not needed on the GPU host
"$jdk/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,java.xml,jdk.management,jdk.unsupported,jdk.incubator.vector \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$stage/jre"
strip --strip-unneeded "$stage"/jre/lib/server/libjvm.so "$stage"/jre/lib/*.so
cp tools/gpu/run.sh tools/gpu/compare.py bench/python/gpu_baseline.py "$stage/"
chmod +x "$stage/run.sh"
tar czf "$root/dist/gpu-bundle.tgz" -C "$root/dist" gpu
packed_bytes="$(stat -c %s "$root/dist/gpu-bundle.tgz")"
tree_bytes="$(git ls-files -z | xargs -0 stat -c %s | awk '{s += $1} END {print s}')"
echo "bundle: $(du -sh "$stage" | cut -f1) unpacked, $((packed_bytes >> 20)) MiB packed: dist/gpu-bundle.tgz;" \
     "with the source tree ($((tree_bytes >> 20)) MiB): $(((packed_bytes + tree_bytes) >> 20)) MiB"
