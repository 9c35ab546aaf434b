#!/bin/sh
# table.sh TSV: the table of `make bench` from bench_row's rows
# (tests/bench/lib.sh).
awk -F '\t' '
BEGIN {
	printf "%-18s %-24s %11s %-14s %11s %7s  %-16s %s\n", "case", "figure",
	    "bttui", "against", "theirs", "ratio", "target", ""
}
{
	b = $4 == "-" ? "-" : sprintf("%.4g %s", $4, $3)
	r = $6 == "-" ? "-" : sprintf("%.4g %s", $6, $3)
	q = $7 == "-" ? "-" : sprintf("%.3f", $7)
	printf "%-18s %-24s %11s %-14s %11s %7s  %-16s %s\n", $1, $2, b, $5,
	    r, q, $8, $9 == "-" ? "" : $9
	if ($9 == "met") met++
	if ($9 == "MISSED") missed++
}
END { printf "targets: %d met, %d missed\n", met, missed }' "$1"
