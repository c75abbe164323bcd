package rules

import "math/bits"

// weightTable holds the learned model's weights in the model file's sparse
// form: only the buckets that hold a non-zero weight, found through a
// bitmap with a running count per 64 buckets (rank and select's rank).
// Expanding every bucket (2^19 x 5 bytes) was a quarter of the module's
// start-up, which pays for each megabyte it first touches; this form is a
// fifth of the size, and scoring a feature costs a population count more.
type weightTable struct {
	dir []weightBlock
	// vals holds each marked bucket's int8 weights, modelOutputs each, in
	// bucket order.
	vals []byte
}

// weightBlock covers 64 buckets: bit k of marked is set when bucket 64i+k
// has weights, and rank is the number of marked buckets before the block.
// They sit side by side so a look-up reads one cache line.
type weightBlock struct {
	marked uint64
	rank   uint32
}

// newWeightTable builds the table of nb buckets from the model file's
// bitmap (bucket k is bit k&7 of byte k>>3) and the marked buckets' weights
// in order, which it keeps.
func newWeightTable(bitmap string, nb int, vals []byte) weightTable {
	t := weightTable{dir: make([]weightBlock, (nb+63)/64), vals: vals}
	for i := 0; i < len(bitmap); i++ {
		t.dir[i>>3].marked |= uint64(bitmap[i]) << (8 * uint(i&7))
	}
	rank := uint32(0)
	for i := range t.dir {
		t.dir[i].rank = rank
		rank += uint32(bits.OnesCount64(t.dir[i].marked))
	}
	return t
}

// bucket returns the weights of bucket b, one an output, or nil when they
// are all zero.
func (t *weightTable) bucket(b uint32) []byte {
	blk := &t.dir[b>>6]
	bit := uint64(1) << (b & 63)
	if blk.marked&bit == 0 {
		return nil
	}
	k := (int(blk.rank) + bits.OnesCount64(blk.marked&(bit-1))) * modelOutputs
	return t.vals[k : k+modelOutputs : k+modelOutputs]
}
