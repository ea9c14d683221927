#!/usr/bin/env bash
# Keeps one GitHub issue for drift (the drift workflow's issue job): the
# first run that finds drift opens it, later runs that find drift edit it
# (and comment when the drift is not the one it showed), and the first
# run that finds none comments and closes it. Drift that comes back after
# that opens a new issue.
#
# The issue is the open issue with the label workato-gitops-drift, opened
# by the Actions bot, whose body starts with the marker line below; a
# person's issue with the same label or text is never touched. Its body
# is the Markdown plan, cut at a line to stay within GitHub's limit of
# 65,536 characters for an issue body, with a note that links to the run.
# The Markdown is what `workato-gitops plan` renders, and the drift job
# plans without a SOPS key: credentials show as "(sensitive value)".
#
# usage: drift-issue.sh CODE [PLAN.md]
#   CODE     the exit code of the drift plan (plan --detailed-exitcode):
#            2 drift, 0 none; 1 (an error) and 3 (a guard) neither show
#            nor rule out drift, and leave the issue as it is
#   PLAN.md  the plan as Markdown, for CODE 2
# needs: gh and jq on PATH; GH_TOKEN (issues: write), GITHUB_REPOSITORY,
# GITHUB_SERVER_URL, GITHUB_RUN_ID and GITHUB_SHA as GitHub Actions sets
# them. Any gh failure fails the script with an error annotation.
set -euo pipefail

code=${1:?usage: drift-issue.sh CODE [PLAN.md]}
md=${2:-}
repo=$GITHUB_REPOSITORY
label=workato-gitops-drift
title='workato-gitops: the workspaces differ from the manifests on main'
marker='<!-- workato-gitops drift -->'
run="${GITHUB_SERVER_URL:-https://github.com}/$repo/actions/runs/$GITHUB_RUN_ID"
runlink="[run $GITHUB_RUN_ID]($run)"
commit="\`${GITHUB_SHA:0:12}\`"
limit=65536 # GitHub's limit for an issue body, in characters

# The annotation goes to the step's stdout (fd 3) even from a call whose
# output is redirected, so that the run shows why the job failed.
exec 3>&1
fail() {
  echo "drift-issue: $*" >&2
  echo "::error title=drift issue::$*" >&3
  exit 1
}
# gh api; any failure fails the script, with the annotation.
api() { gh api "$@" || fail "gh api $* failed (see above)"; }

[[ $code =~ ^[0-9]+$ ]] || fail "the plan's exit code \"$code\" is not a number"
case $code in
0 | 2) ;;
*)
  echo "drift-issue: the plan exited $code (1: an error, 3: a guard blocked a tenant): it neither shows nor rules out drift, so the drift issue is left as it is"
  exit 0
  ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
api --paginate "repos/$repo/issues?state=open&labels=$label&per_page=100" > "$tmp/open.json"
# The oldest match, should there ever be two.
jq -s --arg m "$marker" '[.[][] | select(.pull_request == null and .user.login == "github-actions[bot]" and ((.body // "") | startswith($m + "\n")))] |
  min_by(.number) // {}' "$tmp/open.json" > "$tmp/issue.json"
number=$(jq -r '.number // empty' "$tmp/issue.json")

if [ "$code" = 0 ]; then
  if [ -z "$number" ]; then
    echo "drift-issue: no drift, and no drift issue is open: nothing to do"
    exit 0
  fi
  echo "No drift: $runlink found the workspaces equal to the manifests on \`main\` (commit $commit). Closing." > "$tmp/comment.md"
  api --method POST "repos/$repo/issues/$number/comments" -F "body=@$tmp/comment.md" > /dev/null
  api --method PATCH "repos/$repo/issues/$number" -f state=closed -f state_reason=completed > /dev/null
  echo "drift-issue: no drift: closed #$number"
  exit 0
fi

{ [ -n "$md" ] && [ -s "$md" ]; } || fail "drift, but ${md:-PLAN.md} is missing or empty"
digest="sha256:$(sha256sum "$md" | cut -d ' ' -f 1)"
body=$tmp/body.md
{
  echo "$marker"
  echo "<!-- workato-gitops drift-digest: $digest -->"
  echo "**The workspaces differ from the manifests on \`main\`** (commit $commit): $runlink found drift on $(date -u +%Y-%m-%d). The run's job summary and its \`workato-gitops-drift\` artifact hold the whole plan."
  echo
  echo "Someone changed them in Workato by hand, or an apply did not finish. To bring them back to \`main\`, run the apply workflow by hand (\"reconcile all\", see [github-actions.md](https://github.com/workato-gitops/workato-gitops/blob/main/docs/github-actions.md)); to keep a change, put it in the manifests with a pull request. Each drift run updates this issue, and the first run that finds no drift closes it."
  echo
} > "$body"
note="**The plan was cut here to fit GitHub's limit of 65,536 characters for an issue body.** The whole plan is in $runlink: its job summary, and its \`workato-gitops-drift\` artifact (\`plan.json\`, which \`workato-gitops plan --refresh=false --live plan.json\` shows)."
# Bytes are never fewer than characters, so a byte budget is the safe
# side; the slack is for the lines that close what the cut left open.
budget=$((limit - $(wc -c < "$body") - ${#note} * 4 - 256))
if [ "$(wc -c < "$md")" -le "$budget" ]; then
  cat "$md" >> "$body"
else
  # Whole lines only (never half a character), then close the code block
  # and the details the cut left open, so the note renders as text.
  LC_ALL=C awk -v max="$budget" '{ n += length($0) + 1; if (n > max) exit; print }' "$md" > "$tmp/cut.md"
  cat "$tmp/cut.md" >> "$body"
  fences=$(grep -c '^```' "$tmp/cut.md" || true)
  [ $((fences % 2)) = 0 ] || echo '```' >> "$body"
  opened=$({ grep -o '<details>' "$tmp/cut.md" || true; } | wc -l)
  closed=$({ grep -o '</details>' "$tmp/cut.md" || true; } | wc -l)
  for ((i = closed; i < opened; i++)); do echo '</details>' >> "$body"; done
  { echo; echo "$note"; } >> "$body"
  echo "drift-issue: the plan is $(wc -c < "$md") bytes: cut to fit the issue"
fi

if [ -z "$number" ]; then
  api --method POST "repos/$repo/issues" -f "title=$title" -F "body=@$body" -f "labels[]=$label" > "$tmp/new.json"
  number=$(jq -r '.number' "$tmp/new.json")
  jq -e --arg l "$label" 'any(.labels[]?; .name == $l)' "$tmp/new.json" > /dev/null ||
    fail "opened #$number, but GitHub did not give it the label $label (may this token set labels?): the next run would not find it and would open another; add the label to #$number"
  echo "drift-issue: drift: opened #$number"
  exit 0
fi

previous=$(jq -r '.body' "$tmp/issue.json" | sed -n -E 's/^<!-- workato-gitops drift-digest: (sha256:[0-9a-f]{64}) -->$/\1/p' | head -n 1)
api --method PATCH "repos/$repo/issues/$number" -F "body=@$body" > /dev/null
if [ "$previous" = "$digest" ]; then
  echo "drift-issue: the same drift: updated #$number"
  exit 0
fi
echo "The drift changed: $runlink found a plan other than the one this issue showed (commit $commit). The issue now shows the plan of that run." > "$tmp/comment.md"
api --method POST "repos/$repo/issues/$number/comments" -F "body=@$tmp/comment.md" > /dev/null
echo "drift-issue: the drift changed: updated #$number and commented"
