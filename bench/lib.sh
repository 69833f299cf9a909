# lib.sh - what the benchmarks share: the median of a column of numbers.

# median FILE: the median of the first column of FILE.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
