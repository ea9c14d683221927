#!/usr/bin/env bash
# Decides whether the apply workflow may apply, and refuses (exit 1) unless
#  1. the run is on main, for the commit that is main's HEAD right now: a
#     re-run of an old apply, or a run started on another branch, would
#     otherwise roll back every later merge (deletes included, with prune);
#  2. the plan made now has the digest that was reviewed: the digest in the
#     plan comment of the pull request that was merged as this commit (on a
#     push), or the DIGEST given by hand (workflow_dispatch), which is the
#     digest printed by an earlier refusal or plan.
# On a refused push it comments on the pull request with what changed
# between the reviewed plan and the plan now.
#
# The digest is sha256:<hex> of the bytes of `workato-gitops plan --format
# json`, the same command in the plan and the apply workflows, with the
# same scope (plan-scope.sh): the pull request's plan covers the tenants
# changed since its base, the apply's those changed since main's previous
# commit, which are the same tenants for a pull request that was up to
# date (or merged through a queue). The digest covers the list of
# tenants, so equal digests also mean the same scope. That output's
# key order is fixed and sorted, so the same manifests and live state give
# the same digest; a changed action, field, guard or live id changes it.
#
# usage: apply-guard.sh PLAN.json PLAN.md
#   PLAN.json  `workato-gitops plan --format json` of the commit checked out
#   PLAN.md    the same plan as Markdown, for the refusal comment
# needs: git, gh, jq, sha256sum on PATH; GH_TOKEN, GITHUB_REPOSITORY,
# GITHUB_SHA, GITHUB_REF, GITHUB_EVENT_NAME as GitHub Actions sets them;
# REVIEWED_DIGEST for workflow_dispatch; CHANGED_SINCE, the scope of
# PLAN.json (empty: every tenant), to explain a refusal. On success it
# writes digest=<the checked digest> to $GITHUB_OUTPUT when that is set.
set -euo pipefail

view=${1:?usage: apply-guard.sh PLAN.json PLAN.md}
md=${2:?usage: apply-guard.sh PLAN.json PLAN.md}
marker='<!-- workato-gitops plan -->'
repo=$GITHUB_REPOSITORY

proceed() {
  [ -z "${GITHUB_OUTPUT:-}" ] || echo "digest=$digest" >> "$GITHUB_OUTPUT"
  exit 0
}

refuse() {
  echo "apply-guard: refusing to apply: $*" >&2
  echo "::error title=apply refused::$*"
  exit 1
}

# 1. main's HEAD, and nothing else.
[ "$GITHUB_REF" = refs/heads/main ] || refuse "this run is for $GITHUB_REF; apply runs from main only"
checked=$(git rev-parse HEAD)
[ "$checked" = "$GITHUB_SHA" ] || refuse "the checked-out commit $checked is not the run's commit $GITHUB_SHA"
main=$(gh api "repos/$repo/git/ref/heads/main" --jq '.object.sha')
[ "$checked" = "$main" ] ||
  refuse "$checked is not main's HEAD ($main): main has moved on, and the run for its HEAD applies it; this run would roll back every later merge"

digest="sha256:$(sha256sum "$view" | cut -d ' ' -f 1)"

# 2. The reviewed digest.
case $GITHUB_EVENT_NAME in
workflow_dispatch)
  reviewed=${REVIEWED_DIGEST:-}
  [ -n "$reviewed" ] || refuse "a run by hand needs the digest of the plan you reviewed (the plan is in this run's log and summary; its digest is $digest)"
  [ "$reviewed" = "$digest" ] || refuse "the plan now has digest $digest, not the reviewed $reviewed; read the plan in this run's summary and run again with its digest"
  echo "apply-guard: $checked is main's HEAD; the plan's digest $digest is the one given by hand"
  proceed
  ;;
push) ;;
*) refuse "unexpected event $GITHUB_EVENT_NAME" ;;
esac

pr=$(gh api "repos/$repo/commits/$checked/pulls" |
  jq -r --arg sha "$checked" '[.[] | select(.merged_at != null and .base.ref == "main" and .merge_commit_sha == $sha)][0] // empty | "\(.number) \(.head.sha)"')
[ -n "$pr" ] || refuse "$checked is not the merge of a reviewed pull request (pushed to main directly?); review its plan and run the workflow by hand with digest $digest"
read -r number prhead <<<"$pr"

comment=$(mktemp)
gh api --paginate "repos/$repo/issues/$number/comments?per_page=100" |
  jq -rs --arg m "$marker" '[.[][] | select(.user.login == "github-actions[bot]" and (.body | startswith($m)))][0].body // empty' > "$comment"
# "scope:" is left out by plan-comment.sh before it recorded the scope.
line=$(grep -m 1 -E '^<!-- workato-gitops plan-digest: sha256:[0-9a-f]{64} head: [0-9a-f]{40}( scope: (all|[0-9a-f]{40}))? -->$' "$comment" || true)
[ -n "$line" ] || refuse "pull request #$number has no plan comment with a digest; nothing was reviewed"
reviewed=$(sed -E 's/^.* (sha256:[0-9a-f]{64}) .*$/\1/' <<<"$line")
planned=$(sed -E 's/^.* head: ([0-9a-f]{40}) .*$/\1/' <<<"$line")
scope=$(sed -E -n 's/^.* scope: ([0-9a-z]+) -->$/\1/p' <<<"$line")
[ "$planned" = "$prhead" ] ||
  refuse "the plan comment on #$number is for $planned, not the pull request's last commit $prhead; its plan was not reviewed"

if [ "$reviewed" = "$digest" ]; then
  echo "apply-guard: $checked is main's HEAD; the plan's digest $digest is the one reviewed on #$number"
  proceed
fi

# Say so when one plan covered every tenant and the other did not (a
# comment without "scope:" is from before scoped plans: every tenant).
since=${CHANGED_SINCE:-}
scope_note=
if [ -z "$since" ] && [ "${scope:-all}" != all ]; then
  scope_note="The reviewed plan covered the tenants changed since ${scope:0:12}; this run's plan covers every tenant (its log says why)."
elif [ -n "$since" ] && [ "${scope:-all}" = all ]; then
  scope_note="The reviewed plan covered every tenant; this run's plan covers the tenants changed since ${since:0:12}."
fi

# Tell the pull request what changed since its plan was reviewed.
was=$(mktemp) now=$(mktemp) body=$(mktemp)
# Both without the lines that are not the plan, nor trailing blank lines.
plain() { grep -v -e "^$marker\$" -e '^<!-- workato-gitops plan-digest: ' -e '^Plan digest `sha256:' "$1" |
  awk '{ l[NR] = $0 } NF { last = NR } END { for (i = 1; i <= last; i++) print l[i] }'; }
plain "$comment" > "$was" || true
plain "$md" > "$now" || true
{
  echo '<!-- workato-gitops apply refused -->'
  echo "**The apply of ${checked:0:12} did not run:** the plan at merge differs from the plan reviewed here (reviewed \`$reviewed\`, now \`$digest\`)."
  echo "Someone changed the workspaces or main since the review. Review the plan below; to apply it, run the apply workflow by hand on main with digest \`$digest\`."
  [ -z "$scope_note" ] || echo "$scope_note"
  echo
  echo '<details><summary>Changes between the reviewed plan and the plan now</summary>'
  echo
  echo '```diff'
  diff -u --label reviewed --label now "$was" "$now" | head -c 50000 || true
  echo
  echo '```'
  echo '</details>'
} > "$body"
gh api --method POST "repos/$repo/issues/$number/comments" -F "body=@$body" > /dev/null
refuse "the plan now has digest $digest, not $reviewed reviewed on #$number (commented there with the difference)"
