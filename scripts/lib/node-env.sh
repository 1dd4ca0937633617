# shellcheck shell=bash
# Source it: makes sure the `node` on PATH is >= 22.22 (relay-service runs its
# TypeScript directly with Node's type stripping and @platformatic/kafka needs it).
# If the machine's node is older (or missing), installs node@24 from the npm registry
# into $SHOTLINE_CACHE/node24 once, and puts it first on PATH. Quiet when there is
# nothing to do; idempotent.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# _shotline_node_ok [NODE]: true if that node (default: the one on PATH) is >= 22.22.
_shotline_node_ok() {
  local v major minor
  v="$("${1:-node}" --version 2>/dev/null)" || return 1
  v="${v#v}"
  major="${v%%.*}"
  minor="${v#*.}"
  minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > 22 || (major == 22 && minor >= 22)))
}

_shotline_node_env() {
  _shotline_node_ok && return 0

  local prefix="$SHOTLINE_CACHE/node24"
  local bindir="$prefix/node_modules/node/bin"

  if ! _shotline_node_ok "$bindir/node"; then
    command -v npm >/dev/null 2>&1 ||
      { log "ERROR: node >= 22.22 is needed and there is no npm to install it with (install Node.js 24)"; return 1; }
    log "node on PATH is $(node --version 2>/dev/null || echo missing); installing node@24 from the npm registry into $prefix"
    mkdir -p "$prefix" || return 1
    # The `node` package's install step fetches the matching node-linux-* package from the same registry.
    npm install --prefix "$prefix" node@24 --no-audit --no-fund --loglevel=error >&2 ||
      { log "ERROR: npm install node@24 failed"; return 1; }
    _shotline_node_ok "$bindir/node" ||
      { log "ERROR: $bindir/node is not a working node >= 22.22 after the install"; return 1; }
  fi

  case ":$PATH:" in
    ":$bindir:"*) ;;
    *) PATH="$bindir:$PATH" ;;
  esac
  export PATH
  hash -r
}

_shotline_node_env
