#!/usr/bin/env bash
# Builds dist/gpu-bundle.tgz: everything needed to run Pixelgrad's GPU tests, sanitizer runs, benchmarks
# and a CUDA training run on a host that has an NVIDIA driver and CUDA libraries but no JDK or Maven:
# a jlink'd Java 25 runtime, the jars, the test classes, the JUnit console launcher and run.sh.
#   tools/gpu/bundle.sh             then, on the GPU host:   tar xzf gpu-bundle.tgz && gpu/run.sh all OUTDIR
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
rm -f "$stage"/lib/*-tests.jar
for list in fcn/target/runtime-classpath.txt bench/target/runtime-classpath.txt; do
  for jar in $(tr ':' ' ' < "$list"); do cp -n "$jar" "$stage/lib/"; done
done
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4 \
    -DoutputDirectory="$stage/junit" >/dev/null
for m in tensor kernels fcn; do cp -r "$m/target/test-classes" "$stage/test-classes/$m"; done
rm -rf "$stage/test-classes/tensor/golden"   # the CPU golden fixtures are not needed on the GPU host
"$jdk/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,java.xml,jdk.management,jdk.unsupported,jdk.incubator.vector \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$stage/jre"
strip --strip-unneeded "$stage"/jre/lib/server/libjvm.so "$stage"/jre/lib/*.so
cp tools/gpu/run.sh "$stage/run.sh"
chmod +x "$stage/run.sh"
tar czf "$root/dist/gpu-bundle.tgz" -C "$root/dist" gpu
echo "bundle: $(du -sh "$stage" | cut -f1) unpacked, $(du -sh "$root/dist/gpu-bundle.tgz" | cut -f1) packed: dist/gpu-bundle.tgz"
