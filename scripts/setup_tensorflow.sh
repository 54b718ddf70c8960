#!/usr/bin/env bash
# Installs TensorFlow (tensorflow-cpu from PyPI) and what the Keras path of
# microml convert and its tests need (requirements-tf.txt) into build/venv-tf,
# apart from .venv. Reused while requirements-tf.txt and python3 are unchanged.
# Never fails the caller: when TensorFlow cannot be installed (offline, no wheel
# for this platform or Python, TensorFlow does not import), it prints one
# "tensorflow: NOT INSTALLED (why)" line and writes the reason to
# build/venv-tf.unavailable, which scripts/test.sh passes to the Keras tests
# (they are then skipped with that reason).
set -uo pipefail
cd "$(dirname "$0")/.."

venv=build/venv-tf
why_file=build/venv-tf.unavailable
log=build/venv-tf.log
stamp=$venv/.requirements.sha
mkdir -p build
want=$( (python3 -VV 2>&1; cat requirements-tf.txt) | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  rm -f "$why_file"
  version=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("tensorflow-cpu"))')
  echo "tensorflow: $venv is current (tensorflow-cpu $version)"
  exit 0
fi

unavailable() {
  rm -rf "$venv"
  echo "$1" > "$why_file"
  echo "tensorflow: NOT INSTALLED ($1; log: $log); the Keras tests are skipped"
  exit 0
}

rm -rf "$venv" "$why_file"
echo "tensorflow: installing requirements-tf.txt into $venv (full log: $log)"
start=$SECONDS
python3 -m venv "$venv" > "$log" 2>&1 ||
  unavailable "python3 -m venv failed: $(tail -n 1 "$log")"
# Short network timeouts: offline, pip gives up in seconds instead of retrying for minutes.
if ! "$venv/bin/pip" install --disable-pip-version-check --timeout 30 --retries 2 \
    -r requirements-tf.txt >> "$log" 2>&1; then
  reason=$(grep '^ERROR:' "$log" | tail -n 1)
  if grep -q 'NewConnectionError\|Could not fetch URL\|Temporary failure in name resolution' "$log"; then
    reason="the package index is unreachable (offline?): $reason"
  fi
  unavailable "pip install -r requirements-tf.txt failed: ${reason:-$(tail -n 1 "$log")}"
fi
if ! imported=$("$venv/bin/python" -c "import tensorflow, tflite_micro" 2>&1); then
  echo "$imported" >> "$log"
  unavailable "import tensorflow failed in $venv: $(echo "$imported" | grep -v '^\s' | tail -n 1)"
fi
echo "$want" > "$stamp"
echo "tensorflow: $venv ready in $((SECONDS - start)) s"
