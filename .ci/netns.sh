#!/usr/bin/env bash
# Three `aquarium node`s on three hosts: network namespaces A, B and C,
# each with its own 10.x address, joined by veth pairs to a bridge. B and
# C are told only A's address; B must find C through Kademlia. A client
# in A's namespace runs particles A→B, A→C, B→C and across B and C at
# once. Then C's link is cut on the bridge: the next call of C must fail
# with a named error (could not reach), well before its TTL, and once the
# link is back calls of C must work again. Last, every node's store must
# still hold the particles run through it, and C, restarted on its
# data directory, must come back as the same peer. It prints the time
# the cut took to be reported and the time calls took to work again.
#
# Without root, without `ip`, or where `ip netns add` fails, the hosts are
# 127.0.0.2, .3 and .4 and the cut is a SIGSTOP of C: its kernel still
# acknowledges TCP, but nothing answers above it, which is what a dead
# link looks like to the peers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$SECONDS
work=$(mktemp -d)
tag=$$
hosts=(a b c)
declare -A ns ip pid addr http id
for h in "${hosts[@]}"; do ns[$h]=aq$h$tag; done
# The bridge lives in a namespace of its own rather than in the root
# namespace: nothing on the machine running the test changes (no bridge,
# no address, no route), concurrent runs cannot clash over 10.x
# addresses, and the root namespace's firewall (Docker sets iptables'
# FORWARD to DROP, which br_netfilter applies to bridged frames) never
# sees the traffic.
sw=aqsw$tag

# netns_up: the namespaces, the bridge in sw, and each host's veth pair:
# eth0 with 10.99.0.N in the host's namespace, vHOST on the bridge.
netns_up() {
	local h n=0
	ip netns add "$sw" || return
	ip -n "$sw" link add br0 type bridge || return
	ip -n "$sw" link set br0 up || return
	for h in "${hosts[@]}"; do
		n=$((n + 1))
		ip[$h]=10.99.0.$n
		ip netns add "${ns[$h]}" || return
		ip link add eth0 netns "${ns[$h]}" type veth peer name "v$h" netns "$sw" || return
		ip -n "$sw" link set "v$h" master br0 up || return
		ip -n "${ns[$h]}" addr add "${ip[$h]}/24" dev eth0 || return
		ip -n "${ns[$h]}" link set eth0 up || return
		ip -n "${ns[$h]}" link set lo up || return
	done
}

netns_down() {
	local h
	for h in "${hosts[@]}"; do ip netns del "${ns[$h]}" 2>/dev/null || true; done
	ip netns del "$sw" 2>/dev/null || true
}

cleanup() {
	local h
	for h in "${hosts[@]}"; do
		if [ -n "${pid[$h]:-}" ]; then
			kill -CONT "${pid[$h]}" 2>/dev/null || true
			kill "${pid[$h]}" 2>/dev/null || true
		fi
	done
	wait 2>/dev/null || true
	[ "$mode" = netns ] && netns_down
	rm -rf "$work"
}
mode=netns
trap cleanup EXIT
trap 'exit 130' INT TERM
script=netns
# shellcheck source=.ci/fail.sh
source .ci/fail.sh

reason=
if [ -n "${NETNS_LOOPBACK:-}" ]; then
	reason="NETNS_LOOPBACK is set"
elif [ "$(id -u)" != 0 ]; then
	reason="not root"
elif ! command -v ip >/dev/null; then
	reason="no ip tool"
elif ! netns_up 2>"$work/netns-setup.log"; then
	reason="the namespaces could not be made: $(head -1 "$work/netns-setup.log")"
	netns_down
fi
if [ -n "$reason" ]; then
	mode=loopback
	n=2
	for h in "${hosts[@]}"; do ip[$h]=127.0.0.$n && n=$((n + 1)); done
	port=$((20000 + tag % 20000))
	echo "netns: loopback addresses instead of namespaces ($reason); the link cut is a SIGSTOP of c"
else
	port=7777
fi

# on HOST CMD...: runs CMD on HOST's network.
on() {
	local h=$1
	shift
	if [ "$mode" = netns ]; then ip netns exec "${ns[$h]}" "$@"; else "$@"; fi
}

go build -o "$work/aquarium" ./cmd/aquarium
go build -o "$work/storecheck" ./.ci/netns/storecheck
t0=$SECONDS
built=$((t0 - started))

# start HOST [FLAG...]: an aquarium node on HOST; sets pid, addr, http and
# id of HOST once /health answers.
start() {
	local h=$1 deadline=$((SECONDS + 30)) cmd
	shift
	cmd=("$work/aquarium" node --listen "/ip4/${ip[$h]}/tcp/$port" --data-dir "$work/$h"
		--network "netns$tag" --http "${ip[$h]}:0" "$@")
	# Started here rather than through on, so that pid is the node's own.
	[ "$mode" = netns ] && cmd=(ip netns exec "${ns[$h]}" "${cmd[@]}")
	# Emptied first: the wait below must not read a previous start's lines.
	: >"$work/$h.out"
	"${cmd[@]}" >>"$work/$h.out" 2>>"$work/$h.err" &
	pid[$h]=$!
	until grep -q '^http on ' "$work/$h.out" 2>/dev/null; do
		kill -0 "${pid[$h]}" 2>/dev/null || fail "$h exited before it was up"
		((SECONDS < deadline)) || fail "$h did not come up in 30 s"
		sleep 0.05
	done
	addr[$h]=$(sed -n 's/^listening on \(.*\/tcp\/.*\/p2p\/.*\)$/\1/p' "$work/$h.out" | head -1)
	http[$h]=$(sed -n 's/^http on //p' "$work/$h.out")
	id[$h]=${addr[$h]##*/p2p/}
	on "$h" curl -fsS "http://${http[$h]}/health" | grep -q '"status":"ok"' || fail "$h: /health is not ok"
}

# routing HOST: the size of HOST's Kademlia routing table, from /health.
routing() {
	on "$1" curl -fsS "http://${http[$1]}/health" | sed -n 's/.*"routing_table":\([0-9]*\).*/\1/p'
}

# call TTL FUNC: runs FUNC of .ci/netns/netns.aqua from a client in A's
# namespace, with A as its relay; its result on stdout, its particle id
# in $work/particle, its errors in $work/client.err. The run is bounded
# by the TTL and 5 s more, and by 25 s.
call() {
	local ttl=$1 rc=0
	on a timeout -k 2 $((ttl < 20 ? ttl + 5 : 25)) "$work/aquarium" run .ci/netns/netns.aqua --relay "${addr[a]}" \
		--ttl "${ttl}s" --particle-id -f "$2" 2>"$work/client.err" || rc=$?
	sed -n 's/^particle //p' "$work/client.err" >"$work/particle"
	return $rc
}

ran=() # the particles run, with the hosts each visited besides A
declare -A visited
# expect FUNC HOSTS WANT: runs FUNC, which visits HOSTS (besides A),
# and fails unless its result holds WANT. Its particle lives 5 minutes,
# longer than the test, so that every store it visited must still hold
# it at the end.
expect() {
	local out
	out=$(call 300 "$1") || fail "$1: $(grep -v '^particle ' "$work/client.err" | head -3)"
	[[ $out == *"$3"* ]] || fail "$1 returned $out, want it to hold $3"
	ran+=("$(cat "$work/particle")")
	visited[$(cat "$work/particle")]=$2
}

# now_ms: milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

start a
start b --bootstrap "${addr[a]}"
start c --bootstrap "${addr[a]}"
echo "hosts: a ${ip[a]} ${id[a]}, b ${ip[b]} ${id[b]}, c ${ip[c]} ${id[c]} ($mode, up in $((SECONDS - t0)) s)"

# Discovery: B and C were told only of A; each must hold the other in its
# routing table, learnt through A.
t=$(now_ms)
deadline=$((SECONDS + 20))
until [ "$(routing b)" -ge 2 ] && [ "$(routing c)" -ge 2 ]; do
	((SECONDS < deadline)) || fail "b and c did not find each other in 20 s: routing tables b $(routing b), c $(routing c)"
	sleep 0.1
done
discovered=$(($(now_ms) - t))
expect "neighbours(\"${id[b]}\")" b "${id[c]}"
expect "neighbours(\"${id[c]}\")" c "${id[b]}"
# B was never given C's address: reaching C through B is discovery's work.
expect "addrsVia(\"${id[c]}\", \"${id[b]}\")" "b c" "/ip4/${ip[c]}/"
expect "addrsOn(\"${id[b]}\")" b "/ip4/${ip[b]}/"
expect "addrsOn(\"${id[c]}\")" c "/ip4/${ip[c]}/"
expect "both(\"${id[b]}\", \"${id[c]}\")" "b c" "/ip4/${ip[b]}/tcp/$port/p2p/${id[b]}\"],[\"/ip4/${ip[c]}/"
bc_connected=$(call 20 "connected(\"${id[b]}\", \"${id[c]}\")") || fail "connected(b, c): $(head -3 "$work/client.err")"
echo "discovery: b and c found each other through a in $discovered ms after c was up; b reaches c; b connected to c: $bc_connected"

# Cut C's link and call it: the failure must name the peer it could not
# reach, well before the 30 s TTL.
cut() {
	if [ "$mode" = netns ]; then ip -n "$sw" link set vc down; else kill -STOP "${pid[c]}"; fi
}
restore() {
	if [ "$mode" = netns ]; then ip -n "$sw" link set vc up; else kill -CONT "${pid[c]}"; fi
}
cuts=("c's link down" "c's link up")
[ "$mode" = netns ] || cuts=("c stopped (SIGSTOP)" "c continued (SIGCONT)")
cut
t=$(now_ms)
call 30 "addrsOn(\"${id[c]}\")" >/dev/null && fail "a call of c succeeded with its link cut"
detected=$(($(now_ms) - t))
grep -q 'could not reach' "$work/client.err" ||
	fail "the call of c with its link cut failed without naming the unreachable peer after $detected ms: $(grep -v '^particle ' "$work/client.err" | head -3)"
((detected < 15000)) || fail "the cut was reported after $detected ms, want under half the 30 s TTL"
echo "cut: ${cuts[0]}; a call of c failed in $detected ms: $(grep -m1 -o 'could not reach[^:]*' "$work/client.err")"

restore
t=$(now_ms)
deadline=$((SECONDS + 30))
until out=$(call 10 "addrsOn(\"${id[c]}\")") && [[ $out == *"/ip4/${ip[c]}/"* ]]; do
	echo "after $(($(now_ms) - t)) ms: $(sed -n '/^particle /!{p;q}' "$work/client.err")" >>"$work/recovery.log"
	((SECONDS < deadline)) || fail "calls of c still fail 30 s after the cut ended: $(cat "$work/recovery.log")"
	sleep 0.2
done
recovered=$(($(now_ms) - t))
expect "both(\"${id[b]}\", \"${id[c]}\")" "b c" "/ip4/${ip[c]}/"
retried=
[ -s "$work/recovery.log" ] && retried=" ($(wc -l <"$work/recovery.log") calls failed first, the first with: $(head -1 "$work/recovery.log"))"
echo "restore: ${cuts[1]}; calls of c work again after $recovered ms$retried"

# stopped HOST: stops HOST's node and checks that its store holds every
# particle expect ran through it, before the cut and after: a node keeps
# a particle's data until its TTL ends (net/nodestore), and these TTLs
# outlast the test.
stopped() {
	local h=$1 p want=()
	kill "${pid[$h]}"
	wait "${pid[$h]}" 2>/dev/null || true
	pid[$h]=
	for p in "${ran[@]}"; do
		if [ "$h" = a ] || [[ " ${visited[$p]} " == *" $h "* ]]; then want+=("$p"); fi
	done
	held=$("$work/storecheck" "$work/$h/particles.db" "${want[@]}" 2>>"$work/$h.err") ||
		fail "$h's store lost particles: $(tail -1 "$work/$h.err")"
	echo "store: $h holds all ${#want[@]} particles run through it ($held in all)"
}

# C restarted on its data directory is the same peer, and answers.
stopped c
start c --bootstrap "${addr[a]}"
[ "${id[c]}" = "$(sed -n 's/^peer id //p' "$work/c.out")" ] || fail "c restarted as another peer"
deadline=$((SECONDS + 20))
until out=$(call 10 "addrsOn(\"${id[c]}\")") && [[ $out == *"/ip4/${ip[c]}/"* ]]; do
	((SECONDS < deadline)) || fail "c restarted on its data directory does not answer"
	sleep 0.2
done
echo "restart: c came back on its data directory as ${id[c]} and answers"
stopped a
stopped b
stopped c

echo "netns: 3 hosts ($mode), discovery in $discovered ms, the cut reported in $detected ms, recovery in $recovered ms, stores intact; $((SECONDS - t0)) s, after $built s of building"
