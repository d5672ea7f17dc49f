# san.sh — sourced by the integration tests, which run the ASan+UBSan build
# too (KAA_BIN_DIR=build/san/bin): the sanitizers write their reports to
# files, and any report fails the test.
#   kaa_san_init NAME   reports of what starts from here on go to
#                       /tmp/kaa-san-NAME.* (none left from before)
#   kaa_san_reports     prints the reports' first lines; 0 if there are any

kaa_san_init() {
	KAA_SAN_LOG=/tmp/kaa-san-$1
	export ASAN_OPTIONS="detect_leaks=0:log_path=$KAA_SAN_LOG"
	export UBSAN_OPTIONS="print_stacktrace=1:log_path=$KAA_SAN_LOG"
	rm -f "$KAA_SAN_LOG".*
}

kaa_san_reports() {
	ls "$KAA_SAN_LOG".* >/dev/null 2>&1 || return 1
	cat "$KAA_SAN_LOG".* | head -n 40
}
