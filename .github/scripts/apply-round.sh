#!/usr/bin/env bash
# One time-boxed round of the apply workflow. Each round is a job of its
# own (its own timeout-minutes), in the same workflow run, so the run
# holds the apply concurrency group until the last round and no later
# merge's apply can start in between.
#
#  1. Checks that plan-view.json, the plan this job just made of this
#     run's commit with this run's scope, is within REVIEWED, the plan
#     apply-guard.sh checked in round 1 (plan-within.sh): in round 1 they
#     are the same file; later rounds see only what is left of it.
#  2. Runs `apply --plan plan.json --max-duration $MAX_DURATION`: apply
#     plans again, applies only if that plan equals plan.json, and starts
#     nothing new once MAX_DURATION has passed. Exit 4 means it stopped
#     there with work left and nothing failed; the ledgers record what
#     succeeded, so the next round's plan holds exactly the rest.
#  3. Writes left=true (exit 4: the next round continues) or left=false
#     (done) to $GITHUB_OUTPUT. It fails on any other exit code, when a
#     round stopped at the time box without applying anything (the time
#     box is shorter than planning: rounds would never finish), and when
#     the last round stops with work left.
#
# usage: apply-round.sh REVIEWED.json
# env: MANIFESTS, MAX_DURATION (e.g. 270m), ROUND and ROUNDS (this round,
#   the last one), REVIEWED_DIGEST (the digest apply-guard.sh checked);
#   GITHUB_OUTPUT, and for a re-run (GITHUB_RUN_ATTEMPT > 1) GH_TOKEN,
#   GITHUB_REPOSITORY and GITHUB_SHA as GitHub Actions sets them.
# needs: workato-gitops, jq, sha256sum; git and gh for a re-run.
set -euo pipefail

reviewed=${1:?usage: apply-round.sh REVIEWED.json}
here=$(dirname "$0")
: "${MANIFESTS:?}" "${MAX_DURATION:?}" "${ROUND:?}" "${ROUNDS:?}" "${REVIEWED_DIGEST:?}"

fail() {
  echo "apply-round: round $ROUND of $ROUNDS: $*" >&2
  echo "::error title=apply round $ROUND::$*"
  exit "${2:-1}"
}

got="sha256:$(sha256sum "$reviewed" | cut -d ' ' -f 1)"
[ "$got" = "$REVIEWED_DIGEST" ] || fail "$reviewed has digest $got, not the reviewed $REVIEWED_DIGEST"

# A re-run of a round ("Re-run failed jobs") may come after later merges
# were applied; like apply-guard.sh, it runs only on main's HEAD.
if [ "${GITHUB_RUN_ATTEMPT:-1}" -gt 1 ]; then
  main=$(gh api "repos/$GITHUB_REPOSITORY/git/ref/heads/main" --jq '.object.sha')
  [ "$(git rev-parse HEAD)" = "$main" ] ||
    fail "this is a re-run, and $GITHUB_SHA is no longer main's HEAD ($main): it would roll back later merges"
fi

"$here/plan-within.sh" "$reviewed" plan-view.json || fail "the plan now is not what is left of the reviewed plan; nothing was applied in this round"

set +e
workato-gitops apply --plan plan.json --auto-approve --json --max-duration "$MAX_DURATION" "$MANIFESTS" > result.json
code=$?
set -e
case $code in
0)
  echo "left=false" >> "${GITHUB_OUTPUT:-/dev/null}"
  echo "apply-round: round $ROUND applied everything that was left"
  ;;
4)
  ran=$(jq '[.tenants[] | (.ran // []) | length] | add // 0' result.json || echo 0)
  [ "$ran" -gt 0 ] ||
    fail "stopped at --max-duration $MAX_DURATION before applying anything: planning takes longer than the time box, so more rounds would not finish either (narrow the run, or raise MAX_DURATION and the jobs' timeout-minutes)"
  [ "$ROUND" -lt "$ROUNDS" ] ||
    fail "stopped at --max-duration $MAX_DURATION with work left after the last round; the ledgers record what succeeded: run the apply workflow by hand with the digest of the plan that is left" 4
  echo "left=true" >> "${GITHUB_OUTPUT:-/dev/null}"
  echo "::notice title=apply continues::round $ROUND applied $ran actions and stopped at --max-duration $MAX_DURATION; round $((ROUND + 1)) continues"
  ;;
*)
  fail "workato-gitops apply exited with $code (1: an action failed, 3: a guard blocked a tenant); see the result" "$code"
  ;;
esac
