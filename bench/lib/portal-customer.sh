# Sourced by bench/run-portal.sh and bench/portal-alloc.sh: the portal benchmarks' customer.
#
# arrange_portal_customer <base url> <work dir>
#   Through the API (key COMMET_BENCH_KEY): customer bench_user on the paid plan "basic" (19.00 a month) with the
#   4242 sandbox card, a subscription and so its first invoice; then a portal link for it, followed with curl to get
#   a live portal session. Exports COMMET_BENCH_COOKIE (the commet_portal cookie's value); fails if there is none.
arrange_portal_customer() {
  local base=$1 work=$2 url
  _portal_api() { curl -sf -H "x-api-key: $COMMET_BENCH_KEY" -H "Content-Type: application/json" "$base/api/v1$1" -d "$2" >/dev/null; }
  _portal_api /customers '{"id":"bench_user","email":"bench@example.com","fullName":"Bench User","timezone":"Europe/Madrid"}'
  _portal_api /plan-groups '{"name":"Main"}'
  _portal_api /plans/manage '{"code":"basic","name":"Basic","description":"For small teams"}'
  _portal_api /plans/basic/prices '{"billingInterval":"monthly","price":1900}'
  _portal_api /sandbox/payment-methods '{"customerId":"bench_user","cardNumber":"4242424242424242"}'
  _portal_api /subscriptions '{"customerId":"bench_user","planCode":"basic"}'
  url=$(curl -sf -H "x-api-key: $COMMET_BENCH_KEY" -H "Content-Type: application/json" "$base/api/v1/portal/request-access" \
    -d '{"customerId":"bench_user"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["portalUrl"])')
  curl -sf -o /dev/null -c "$work/cookies" "$url"
  COMMET_BENCH_COOKIE=$(awk '$6 == "commet_portal" { print $7 }' "$work/cookies")
  export COMMET_BENCH_COOKIE
  [[ -n $COMMET_BENCH_COOKIE ]] || { echo "no portal session cookie" >&2; return 1; }
}
