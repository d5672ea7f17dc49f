# tests/lib/sshd.sh — sourced (POSIX sh): a private sshd on 127.0.0.1 for
# pulling over ssh (tests/integration/pull.sh, bench/inbox-bench.sh).
#
# kaa_sshd_start DIR [ENV-NAME...]: throwaway host and user keys in DIR
# (made 0700), sshd on a free port, the host key pre-seeded in DIR's
# known_hosts; the ENV-NAMEs are passed through to the remote side. Sets
# PORT, SSHD_PID and KAA_SSH (the client options, exported); returns 1 if
# sshd does not answer within 4 s. kaa_sshd_stop stops it by its pid.
kaa_sshd_start() {
	S=$1; shift
	mkdir -m 0700 "$S"
	ssh-keygen -q -t ed25519 -N '' -f "$S/host_key" -C kaa-test-host
	ssh-keygen -q -t ed25519 -N '' -f "$S/user_key" -C kaa-test-user
	cp "$S/user_key.pub" "$S/authorized_keys"
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat > "$S/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $PORT
HostKey $S/host_key
AuthorizedKeysFile $S/authorized_keys
PidFile $S/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CONF
	send=
	for v in "$@"; do
		echo "AcceptEnv $v" >> "$S/sshd_config"
		send="$send -o SendEnv=$v"
	done
	# Debian's sshd needs its privilege separation directory.
	[ -d /run/sshd ] || mkdir -m 0755 /run/sshd
	/usr/sbin/sshd -D -e -f "$S/sshd_config" -E "$S/sshd.log" &
	SSHD_PID=$!
	printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$S/host_key.pub")" > "$S/known_hosts"
	KAA_SSH="-F /dev/null -i $S/user_key -o IdentitiesOnly=yes -o UserKnownHostsFile=$S/known_hosts -o StrictHostKeyChecking=yes$send"
	export KAA_SSH
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		ssh $KAA_SSH -o BatchMode=yes -p "$PORT" "$(id -un)@127.0.0.1" true 2> /dev/null && return 0
		sleep 0.2
	done
	return 1
}

kaa_sshd_stop() {
	[ -z "${SSHD_PID:-}" ] || { kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null || :; }
	SSHD_PID=
}
