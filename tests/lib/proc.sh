# proc.sh — stopping a server the tests (or the benches) started, by its pid.
#   kaa_stop_pid PID SECONDS [SIGNAL]   sends SIGNAL (TERM) to PID, waits up
#                                       to SECONDS for it to end, then
#                                       kills it; an empty PID is no one

kaa_stop_pid() {
	[ -n "$1" ] || return 0
	kill -"${3:-TERM}" "$1" 2>/dev/null || return 0
	_n=0
	while kill -0 "$1" 2>/dev/null && [ "$_n" -lt $(($2 * 10)) ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
}
