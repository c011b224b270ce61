#!/usr/bin/env bash
# Unit tests of the Python kit (Debian's interpreter; the protobuf bindings are generated first).
#   ISACFE_FRAME_VECTORS=FILE  also check the Java-written cross-language frame vectors
#   ISACFE_CONTROLLER=H:P      also run the tests against a running `isac serve`
set -euo pipefail
cd "$(dirname "$0")"
PY=${ISACFE_PYTHON:-/usr/bin/python3}
"$PY" -c 'import isacfe.proto as p; print("bindings:", p.generate())'
exec "$PY" -W error::ResourceWarning -m unittest discover -s tests -t . -v
