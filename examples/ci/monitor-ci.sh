#!/bin/sh
# monitor-ci.sh check|plan|apply: the monitor configuration workflow for any git-based CI.
#
#   check   on every change: validate the configuration. Annotations on GitHub Actions.
#   plan    on review: the diff against the applied state, saved to plan.json (to apply
#           later) and plan.txt (to publish as a comment or an artifact).
#   apply   after merge: apply exactly the reviewed plan.json. Refused when the state changed
#           since the plan was made (another apply), when plan.json was edited, or when the
#           configuration of this commit is not the one the plan was made from.
#
# plan and apply run where the state is (a runner on the monitoring host, with MONITOR_STATE or
# settings.state pointing at it); check runs anywhere monitor is installed.
#
# Environment (all optional):
#   MONITOR_BIN      the monitor executable (default: monitor, from PATH)
#   MONITOR_CONFIG   configuration file or folder, read by monitor itself (default monitor.yaml)
#   MONITOR_STATE    the state, read by monitor itself (default settings.state)
#   PLAN_FILE        where plan writes and apply reads the saved plan (default plan.json)
#   PLAN_TEXT        where plan writes the readable plan (default plan.txt)
#   CHECK_FORMAT     text | json | github (default github under GitHub Actions, else text)
#   CHECK_STRICT     1: unset secrets (*_env) are errors, not warnings (default 0)
#   PLAN_EXIT_ON_CHANGES  1: plan exits 2 when there are changes (default: 0 either way)
#
# Exit codes: 0 done; 1 invalid configuration, error, or apply refused; 2 plan has changes
# (only with PLAN_EXIT_ON_CHANGES=1); 64 usage.
set -eu

monitor=${MONITOR_BIN:-monitor}
plan_file=${PLAN_FILE:-plan.json}
plan_text=${PLAN_TEXT:-plan.txt}

usage() {
    echo "usage: $0 check|plan|apply" >&2
    exit 64
}

# Sets GitHub Actions step outputs when there is a place for them.
output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}

# The config_digest recorded in a plan file (plan --out, or plan --format json on stdout).
digest_of() {
    grep -o '"config_digest" *: *"[0-9A-Za-z]*"' "$1" | head -n 1 | sed 's/.*"\([0-9A-Za-z]*\)"$/\1/'
}

[ $# -eq 1 ] || usage

case $1 in
check)
    format=${CHECK_FORMAT:-}
    if [ -z "$format" ]; then
        if [ "${GITHUB_ACTIONS:-}" = true ]; then format=github; else format=text; fi
    fi
    if [ "${CHECK_STRICT:-0}" = 1 ]; then
        exec "$monitor" check --format "$format" --strict
    fi
    exec "$monitor" check --format "$format"
    ;;
plan)
    status=0
    "$monitor" plan --out "$plan_file" --detailed-exitcode >"$plan_text" || status=$?
    cat "$plan_text"
    case $status in
    0)
        output changes false
        echo "monitor-ci: no changes; $plan_file saved anyway (applying it records nothing)." >&2
        ;;
    2)
        output changes true
        echo "monitor-ci: changes saved to $plan_file; apply it after review with: $0 apply" >&2
        if [ "${PLAN_EXIT_ON_CHANGES:-0}" = 1 ]; then exit 2; fi
        ;;
    *)
        echo "monitor-ci: monitor plan failed (exit $status)" >&2
        exit 1
        ;;
    esac
    ;;
apply)
    if [ ! -f "$plan_file" ]; then
        echo "monitor-ci: no $plan_file: run '$0 plan' on the change under review and keep its $plan_file" >&2
        exit 1
    fi
    # The plan carries its own desired state, so check first that it was made from the
    # configuration of this commit (a merge may have brought in other changes).
    current=$(mktemp)
    trap 'rm -f "$current"' EXIT
    "$monitor" plan --format json >"$current" || {
        echo "monitor-ci: monitor plan failed on this commit" >&2
        exit 1
    }
    reviewed=$(digest_of "$plan_file")
    here=$(digest_of "$current")
    if [ -z "$reviewed" ] || [ "$reviewed" != "$here" ]; then
        echo "monitor-ci: $plan_file was made from another configuration (config_digest ${reviewed:-none}, this commit has $here); plan and review again" >&2
        exit 1
    fi
    # monitor refuses a plan whose state changed since (stale) or whose file was edited.
    exec "$monitor" apply --plan "$plan_file"
    ;;
*)
    usage
    ;;
esac
