#!/usr/bin/env bash
# Posts the Markdown plan as a pull-request comment, or edits the one an
# earlier run posted, so a pull request has exactly one plan comment however
# often it is pushed. The comment is found by the marker line that
# `workato-gitops plan --format markdown` starts with.
#
# With DIGEST (sha256:<hex> of the plan's JSON, see apply-guard.sh), the
# comment also records, in a line only machines read, the digest and the
# head commit it was planned for; the apply on merge proceeds only when
# its own plan has that digest. SCOPE is what the plan covered, as
# plan-scope.sh decided: the base commit of a plan of the tenants the pull
# request affects (--changed-since), or "all"; it is recorded in the same
# line and said in the comment, so a reviewer knows what was left out.
#
# usage: plan-comment.sh PLAN.md [DIGEST [SCOPE]]
# needs: gh and jq on PATH; GH_TOKEN, GITHUB_REPOSITORY and GITHUB_EVENT_PATH
# (a pull_request event), as GitHub Actions provides.
set -euo pipefail

body=${1:?usage: plan-comment.sh PLAN.md [DIGEST [SCOPE]]}
digest=${2:-}
scope=${3:-all}
marker='<!-- workato-gitops plan -->'
pr=$(jq -er '.pull_request.number' "$GITHUB_EVENT_PATH")
[ "$(head -n 1 "$body")" = "$marker" ] || { echo "plan-comment: $body does not start with $marker" >&2; exit 1; }

if [ -n "$digest" ]; then
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "plan-comment: $digest is not sha256:<64 hex digits>" >&2; exit 1; }
  case $scope in
  all) covers="every tenant" ;;
  *)
    [[ $scope =~ ^[0-9a-f]{40}$ ]] || { echo "plan-comment: scope $scope is neither all nor a commit SHA" >&2; exit 1; }
    covers="the tenants this pull request affects (changes since ${scope:0:12}); the daily drift plan covers the others"
    ;;
  esac
  head=$(jq -er '.pull_request.head.sha' "$GITHUB_EVENT_PATH")
  withdigest=$(mktemp)
  {
    echo "$marker"
    echo "<!-- workato-gitops plan-digest: $digest head: $head scope: $scope -->"
    tail -n +2 "$body"
    echo
    echo "Plan digest \`$digest\` for ${head:0:12}, of $covers: the apply on merge runs only a plan with this digest."
  } > "$withdigest"
  body=$withdigest
fi

# The first comment of ours (the Actions bot's) that carries the marker.
existing=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments?per_page=100" |
  jq -rs --arg m "$marker" '[.[][] | select(.user.login == "github-actions[bot]" and (.body | startswith($m)))][0].id // empty')

if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$body" > /dev/null
  echo "plan-comment: updated comment $existing on #$pr"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$body" > /dev/null
  echo "plan-comment: posted the plan on #$pr"
fi
