package graph

import (
	"iter"
	"slices"
)

// contains tells whether the sorted list holds k.
func Contains(list []int32, k int32) bool {
	_, found := slices.BinarySearch(list, k)
	return found
}

// common yields the members two sorted lists share, in order. It walks both lists together, or,
// when one is much shorter, looks each of its members up in the other.
func Common(a, b []int32) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		if len(a) > len(b) {
			a, b = b, a
		}
		if len(a)*16 < len(b) {
			for _, k := range a {
				if Contains(b, k) && !yield(k) {
					return
				}
			}
			return
		}
		for i, j := 0, 0; i < len(a) && j < len(b); {
			switch {
			case a[i] < b[j]:
				i++
			case a[i] > b[j]:
				j++
			default:
				if !yield(a[i]) {
					return
				}
				i++
				j++
			}
		}
	}
}

// countCommon counts the members two sorted lists share, leaving out those skip rules out, and
// stops at most.
func CountCommon(a, b []int32, skip func(int32) bool, most int) int {
	n := 0
	for k := range Common(a, b) {
		if n == most {
			break
		}
		if !skip(k) {
			n++
		}
	}
	return n
}
