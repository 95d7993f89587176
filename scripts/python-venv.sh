#!/usr/bin/env bash
# Sourced by the scripts that run Python tools from PyPI (sdk-conformance.sh, connectors-test.sh):
#   python_venv PYTHON VENV REQUIREMENT
# creates VENV with PYTHON and installs REQUIREMENT (one pinned package) into it. The install goes through uv (from
# PyPI, into .build/uv-venv): pip's resolver spent 4-6 minutes of every CI run on Airbyte's connector alone, uv resolves
# the same pins (the same versions) in seconds. When uv cannot be installed, pip does the work as before.
UV_VENV=.build/uv-venv

python_venv() {
  local python=$1 venv=$2 requirement=$3
  rm -rf "$venv"
  if [ ! -x "$UV_VENV/bin/uv" ]; then
    rm -rf "$UV_VENV"
    python3 -m venv "$UV_VENV" && "$UV_VENV/bin/pip" install --quiet --disable-pip-version-check uv >&2 \
      || echo "uv is not installable here; installing with pip (slower)" >&2
  fi
  if [ -x "$UV_VENV/bin/uv" ]; then
    "$UV_VENV/bin/uv" venv --quiet --python "$python" "$venv" >&2
    "$UV_VENV/bin/uv" pip install --quiet --python "$venv/bin/python" "$requirement" >&2
  else
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement" >&2
  fi
}
