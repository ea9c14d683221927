#!/usr/bin/env bash
# Checks that FRESH, a plan made again after an earlier round of the same
# apply run stopped at its time box, asks for nothing the REVIEWED plan
# (the one apply-guard.sh checked) did not: the same tenants, and each
# action that does something identical, in op, kind, key, live id and
# changes, to an action of the reviewed plan. What the earlier round did
# is no longer in FRESH; anything new (a workspace changed by hand since,
# a tenant that appeared) makes it refuse, naming each difference. Reports
# (`pending`, `unmanaged`) do nothing and are not compared.
#
# usage: plan-within.sh REVIEWED.json FRESH.json
#   both `workato-gitops plan --format json`
# needs: jq. Exit 0 within, 1 not (the differences on stderr).
set -euo pipefail

reviewed=${1:?usage: plan-within.sh REVIEWED.json FRESH.json}
fresh=${2:?usage: plan-within.sh REVIEWED.json FRESH.json}

problems=$(jq -rn --slurpfile r "$reviewed" --slurpfile f "$fresh" '
  def sig: {op, kind, key, live_id, changes};
  def doing: [.actions[] | select(.op != "pending" and .op != "unmanaged")];
  $r[0] as $R | $f[0] as $F |
  if ([$R, $F] | map(.format_version | tostring | split(".")[0]) | unique) != ["1"] then
    "a plan is not in format version 1.x"
  else
    ([$R.tenants[].name] - [$F.tenants[].name] | .[] | "\(.): in the reviewed plan, not planned now"),
    ([$F.tenants[].name] - [$R.tenants[].name] | .[] | "\(.): planned now, not in the reviewed plan"),
    ($F.tenants[] as $t | ($R.tenants[] | select(.name == $t.name)) as $o |
      (if $t.external_id != $o.external_id then "\($t.name): its external id was \($o.external_id), now \($t.external_id)" else empty end),
      (if $o.customer_id != null and $t.customer_id != $o.customer_id then "\($t.name): its workspace was #\($o.customer_id), now #\($t.customer_id)" else empty end),
      (if $t.status == "planned" and ($t | doing | length) > 0 and $o.status != "planned" then "\($t.name): the reviewed plan did not apply it (\($o.status))" else empty end),
      ($t | doing[] as $a |
        if [$o.actions[] | select(.id == $a.id and sig == ($a | sig))] == [] then
          "\($t.name): \($a.id): not in the reviewed plan as it is planned now"
        else empty end))
  end')

if [ -n "$problems" ]; then
  echo "plan-within: the plan now asks for more than, or other than, the reviewed plan:" >&2
  sed 's/^/  /' <<<"$problems" >&2
  exit 1
fi
echo "plan-within: every action planned now is one of the reviewed plan"
