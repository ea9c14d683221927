#!/usr/bin/env bash
# Decides what a workflow's plan covers: the tenants a change affects
# (`plan --changed-since BASE`), or the whole fleet whenever that scope
# cannot be computed soundly. It never narrows on a guess: each doubt
# widens the plan to every tenant, which is always safe (a wider plan
# only shows more).
#
# usage: plan-scope.sh [BASE]
#   BASE  the commit the change is measured from, as GitHub names it:
#         the pull request's base (github.event.pull_request.base.sha) in
#         the plan workflow, the push's previous main tip
#         (github.event.before) in the apply workflow. Empty: the whole
#         fleet (drift, "reconcile all" by hand).
# With APPLY_WORKFLOW=true (the apply workflow), BASE counts only when
# the previous run of this workflow on main succeeded: a run that failed,
# was refused or was cancelled (GitHub cancels a pending run when a newer
# one queues) left its merge unapplied, and a plan scoped to this push
# alone would skip that merge's tenants without a word.
#
# Writes changed_since=BASE, or changed_since= for the whole fleet, to
# $GITHUB_OUTPUT, and says which and why on stdout (a warning when it
# widened because of a doubt).
# needs: git; for APPLY_WORKFLOW, gh and GH_TOKEN, GITHUB_REPOSITORY and
# GITHUB_RUN_ID as GitHub Actions sets them.
set -euo pipefail

base=${1:-}
out=${GITHUB_OUTPUT:-/dev/null}

whole() { # the whole fleet; $1 is why, $2 "warn" when it is a doubt
  echo "changed_since=" >> "$out"
  if [ "${2:-}" = warn ]; then
    echo "::warning title=planning every tenant::$1"
  fi
  echo "plan-scope: every tenant: $1"
  exit 0
}

[ -n "$base" ] || whole "no base commit (a run by hand, or a scheduled run)"
[[ $base =~ ^0{40}$ ]] && whole "the push created the branch: there is no previous commit to compare with" warn
[[ $base =~ ^[0-9a-f]{40}$ ]] || whole "\"$base\" is not a commit SHA" warn
git cat-file -e "$base^{commit}" 2>/dev/null ||
  whole "$base is not in this clone (a shallow checkout, or history rewritten by a force-push): the change cannot be computed" warn
git merge-base --is-ancestor "$base" HEAD 2>/dev/null ||
  whole "$base is not an ancestor of HEAD (history rewritten by a force-push?): the change cannot be computed" warn

if [ "${APPLY_WORKFLOW:-}" = true ]; then
  repo=$GITHUB_REPOSITORY
  wf=$(gh api "repos/$repo/actions/runs/$GITHUB_RUN_ID" --jq '.workflow_id')
  # Run ids grow with creation: the previous run is the largest id below ours.
  prev=$(gh api "repos/$repo/actions/workflows/$wf/runs?branch=main&per_page=50" |
    jq -r --argjson me "$GITHUB_RUN_ID" '[.workflow_runs[] | select(.id < $me)] | max_by(.id) // empty | "\(.id) \(.conclusion)"')
  if [ -n "$prev" ]; then
    read -r id conclusion <<<"$prev"
    [ "$conclusion" = success ] ||
      whole "the previous apply run ($id) ended \"$conclusion\": what it should have applied may not be, so this run plans every tenant" warn
  fi
fi

echo "changed_since=$base" >> "$out"
echo "plan-scope: the tenants affected by the changes since $base"
