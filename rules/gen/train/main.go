// Command train fits Discreet's learned model (rules/model.go) to the
// labelled posts and writes it to rules/model_data.go.
//
// The posts are rules/testdata/*.jsonl and rules/testdata/posts/*.jsonl;
// the files named in rules/testdata/posts/dev.txt are held out as the dev
// split, by writer, and used only to choose the thresholds and to report.
// Training is deterministic: a fixed seed orders the passes, and the same
// inputs give the same bytes (a test checks that the committed model is
// current).
//
// Run it with go generate ./rules, or from the repository root:
//
//	go run ./rules/gen/train -dir rules
//
// -report prints dev figures for the rules alone and with the model;
// -compare also tries other feature sets and sizes and prints their dev
// figures (it writes nothing); -cv cross-validates the whole engine by
// writer (see CrossValidate).
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/discreet-health/discreet/rules"
	"github.com/discreet-health/discreet/rules/internal/huffman"
)

// Settings are the training settings; they are recorded in the model file.
type Settings struct {
	Bits       uint       // log2 of the weight buckets
	Epochs     int        // passes over the training split
	Rate       float64    // AdaGrad learning rate
	L2         float64    // L2 penalty per update
	Seed       uint64     // orders the passes
	Runs       int        // runs averaged, each with its own order
	FoldRuns   int        // runs averaged in each out-of-fold model, which only sets thresholds (0: Runs)
	Kinds      string     // feature kinds used, comma-separated
	Precision  float64    // precision of a category, rules and model together
	Added      float64    // precision of the posts the model adds to a category
	AddedStory float64    // the same for the patient's story (output 0), which makes a privacy finding on its own
	BlockPrec  float64    // share of block labels among the model's block findings on dev
	VetoLoss   float64    // share of a category's positives a veto may unflag
	MinLogit   float64    // the lowest warn threshold, as log-odds above the output's bias (its share of the training posts)
	Levels     int        // quantisation steps from zero to the largest stored weight (at most 127)
	MinPosts   int        // a feature (ByFeature) or weight bucket seen in fewer training posts is not learned
	MinPairs   int        // and a word pair, or a bucket seen only through pairs, needs this many posts (0: MinPosts)
	ByFeature  bool       // MinPosts and MinPairs count the posts of each feature, not of each bucket
	Sentence   [5]float64 // per output, logits a sentence's own score is lowered by before it may stand for the post's (negative: the post's score only)
	MultiPos   float64    // weight of a positive in a post labelled with two or more categories (0 or 1: as any post)
}

// minPairs is the posts a bucket seen only through word pairs must occur
// in: MinPairs, or MinPosts when that is larger (MinPairs 0 is off).
func (s Settings) minPairs() int { return max(s.MinPairs, s.MinPosts) }

// foldRuns is the runs each out-of-fold model averages.
func (s Settings) foldRuns() int {
	if s.FoldRuns > 0 {
		return s.FoldRuns
	}
	return s.Runs
}

var defaults = Settings{Bits: 19, Epochs: 12, Rate: 0.2, L2: 5e-4, Seed: 20261203,
	Kinds: "word,pair,class,hit,ident,shape,conj", Sentence: [5]float64{2, 1.5, 1.25, 1, 1}, Precision: 0.88, Added: 0.8, AddedStory: 0.825, BlockPrec: 0.75, VetoLoss: 0.05, MinLogit: 1.5, Runs: 5, Levels: 16, MinPosts: 4, MinPairs: 10, ByFeature: true, FoldRuns: 2}

// outputs are the model's outputs in file order (rules.modelOutputNames)
// and the label each is trained on.
// floor scales Settings.MinLogit per output: the story's threshold may sit
// closer to its base rate, since a story the model adds is only a warning
// graded by the quasi-identifiers the rules find in it; conduct's and
// disclosure's too, since contempt, venting and paid praise are worded
// too many ways for the rules. The floors and the settings above were
// chosen by cross-validating the whole engine (-cv, 72 writers): L2 1e-5
// -> 5e-4, MinLogit 1.25 -> 1.05, floors story 0.4, boundaries and
// misinformation 1 -> 0.9, conduct 0.8 -> 0.7, disclosure 1 -> 0.7 moved
// privacy from 0.886/0.847 (precision/recall) to 0.881/0.864, conduct from
// 0.889/0.686 to 0.898/0.694, misinformation from 0.949/0.784 to
// 0.954/0.790, boundaries from 0.967/0.793 to 0.970/0.805, disclosure from
// 0.975/0.845 to 0.977/0.830; benign flagged stayed 6.3%. The stronger
// penalty spreads the weights more evenly, so they compress worse: 25
// levels instead of 31 keep the module under its size budget (27 left
// 1.4 KB of it with 81 writers; at 25, CV privacy 0.885/0.885 against
// 0.883/0.888, conduct 0.907/0.685 against 0.897/0.691, benign 5.4%
// against 5.6%). With
// own_family keeping posts about one's relatives out of the story, the
// story's floor went from 0.4 to 0.3 (77 writers: privacy 0.890/0.867 ->
// 0.882/0.881, benign flagged 5.8% -> 5.9%), then to 0.2 (81 writers:
// 0.890/0.875 -> 0.883/0.888, benign 5.5% -> 5.6%; 0.1 gave 0.878/0.894,
// 5.8%), since the first runs flag far fewer benign posts (2.8-3.7%)
// than the 6% the issue allows and miss more privacy posts (0.85-0.86).
// At 93 writers (fifth session), MinPosts 3 keeps a weight bucket seen
// in fewer than three training posts at zero: those weights learned single
// posts, and zeros compress, so the model took 104 KB less of the module.
// That room bought 2^18 buckets instead of 2^17 (fewer words sharing a
// weight), and MinLogit 1.5 brought the benign posts flagged back down.
// CV, 93 writers, against bits 17, MinPosts 1, MinLogit 1.05: privacy
// 0.885/0.912 (0.888/0.894), boundaries 0.971/0.819 (0.970/0.815),
// conduct 0.911/0.728 (0.903/0.713), misinformation 0.969/0.810
// (0.963/0.795), disclosure 0.978/0.869 (0.978/0.827), benign 5.5% (5.3%).
// MinPosts 2 sat between; bits 18 at MinLogit 1.25 flagged 6.1% of benign.
// The first runs of the fifth session (w95-w99, w102) then read privacy
// precision 0.87 and flagged 7.2% of benign posts with the story's floor
// at 0.2, against recall 0.90: the story's floor went back to 0.4 (CV, 93
// writers: privacy 0.885/0.912 -> 0.901/0.887, benign 5.5% -> 4.7%; 0.6
// gave 0.921/0.847, 3.9%).
// Sixth session (102 writers and three benign-only sets): with the story's
// floor at 0.3 and conduct's at 0.6, CV read privacy 0.907/0.886 ->
// 0.898/0.898 and benign 4.3% -> 4.9%, but on the session's first five
// fresh sets (1,000 posts, never trained on) recall was already 0.90 and
// precision the bar at risk: 0.865/0.907 and 6.2% benign flagged, against
// 0.875/0.903 and 6.0% at 0.4 and 0.7, so the floors stayed. Lowering the
// others' floors (boundaries and misinformation 0.7, disclosure 0.5)
// gained recall already above its bar for 0.3 points of benign posts in
// CV: not kept either.
// Seventh session (116 writers): the session's first six fresh sets
// (w112-w117, 1,200 posts) read privacy 0.885/0.891 but flagged 6.6% of
// their benign posts, a fifth of them as conduct, with conduct's precision
// 0.865 against its bar of 0.85. Conduct's floor 0.7 -> 0.8: CV conduct
// 0.912/0.746 -> 0.925/0.727, benign 4.1% -> 3.9%; 0.9 gave 0.937/0.685.
// The story's floor at 0.5 gave privacy 0.921/0.867 against 0.910/0.890:
// it stayed. With 116 writers MinPosts 3 left the module 15 KB over its
// size budget (1,515,278 bytes gzipped); MinPosts 4 takes it to 1,429,604
// at CV privacy 0.910/0.890 (0.909/0.890), boundaries 0.974/0.835
// (0.973/0.829), conduct 0.922/0.732 (0.925/0.727), misinformation
// 0.962/0.849 (0.966/0.843), disclosure 0.970/0.904 (0.976/0.891), benign
// 4.1% (3.9%).
// Thirteenth session (184 writers, 36,400 scored posts): the session's
// first six fresh sets (w181-w186) read privacy 0.878/0.916 and flagged
// 8.0% of their benign posts, most of them patient stories the model made
// on its own. AddedStory 0.825 (the story's added posts 82.5% correct, the
// other outputs' 80%) gave CV privacy 0.903/0.907 -> 0.910/0.895, benign
// 4.5% -> 4.2%, news 2.4% -> 2.2%; 0.85 gave 0.917/0.879, 3.9%, 1.9%
// (privacy recall under its bar). Added 0.85 for every output also cost
// disclosure 0.966/0.943 -> 0.982/0.915. The new sets took the module over
// its budget at MinPosts 4 (1,503,848 bytes gzipped); Levels 25 -> 21
// (coarser steps, fewer distinct weights) brought it to 1,494,466 with CV
// within 0.004 of Levels 25 at equal data (Levels 22: privacy 0.907/0.900
// -> 0.910/0.894, news 2.4% -> 2.3%). MinPosts 5 took 61 KB off but
// flagged more benign posts (4.1% -> 4.4%) and news (2.4% -> 2.7%).
// Fourteenth session (204 writers, 40,400 scored posts): the thirteenth
// session's waiting sets and the session's own first ten writers and four
// news sets took the module 11.7 KB over budget at Levels 21. At equal
// data (w187-w202, n19-n26), Levels 17 read CV privacy 0.903/0.905 ->
// 0.910/0.895, conduct 0.908/0.763 -> 0.919/0.743, benign 4.6% -> 4.0%,
// news 1.9% -> 1.7% against Levels 21: coarser steps cost a little recall
// and flag fewer benign posts. With all 30 sets, Levels 16 fits (1,497,942
// bytes gzipped) at privacy 0.911/0.895, benign 4.0%, news 1.5%; Levels 15
// read 0.904/0.902, 4.3%, 1.7%. MinPairs 5 (buckets seen only through
// word pairs need five posts) frees 54 KB at privacy 0.907/0.897, conduct
// 0.907/0.764, benign 4.4%, news 1.7%: off by default, the room for the
// next sets.
// Fifteenth session (230 writers, 45,600 scored posts): the thirty-six
// waiting sets took the module 28 KB over budget at MinPosts 4 (1,527,580
// bytes gzipped). Counting posts by bucket kept 132,602 of the 2^18
// buckets, since nearly every bucket holds some common feature; counting
// them by feature (ByFeature) keeps 83,091, trained on common features
// alone, at equal CV (privacy 0.910/0.897 -> 0.911/0.893, conduct
// 0.922/0.740 -> 0.921/0.736, benign 4.1% either way, news 1.2% ->
// 1.1%) and 1,402,141 bytes. That room bought 2^19 buckets (fewer
// features sharing a weight): privacy 0.916/0.891, boundaries
// 0.970/0.878, conduct 0.918/0.765, misinformation 0.958/0.868,
// disclosure 0.972/0.944, benign 3.9%, news 1.0%, 1,439,542 bytes. 2^20
// read 0.914/0.898, conduct 0.911/0.779, benign 4.1% (1,469,172 bytes);
// by feature, MinPosts 3 read 0.906/0.902, benign 4.1%; Levels 21
// 0.909/0.898, benign 4.3%. Counting writers rather than posts
// (a feature must occur in two or three writers' sets) pruned almost
// nothing at MinPosts 4 and was dropped.
// Sixteenth session (256 writers, 50,800 scored posts): the engine's
// negated and quoted word features and veto3 (vetoBelowAll) read CV
// privacy 0.905/0.912 -> 0.908/0.912, conduct 0.918/0.769 -> 0.921/0.769,
// benign 4.3% -> 4.0%, news 1.1% -> 0.9% against negation alone; Added
// 0.85 (not kept) read conduct 0.921/0.760, disclosure 0.981/0.931,
// benign 4.2%: fewer benign posts for many fewer positives. MultiPos
// (a positive in a post with two or more labels weighs more; 262
// writers, 52,000 scored posts) read, against privacy 0.906/0.912,
// conduct 0.918/0.769, misinformation 0.963/0.879, benign 4.1%: at 2,
// 0.908/0.906, 0.891/0.792, 0.938/0.900, 4.0%; at 1.5, 0.911/0.904,
// 0.899/0.790, 0.951/0.890, 3.9%; on the fresh w265-w269, trained without
// them, 1.5 read privacy 0.906/0.891 against 0.914/0.907 and conduct
// 0.917/0.775 against 0.941/0.744 (multi-label conduct recall 0.648 ->
// 0.741): off by default.
// Seventeenth session (280 writers, 56,000 scored posts): MultiPos with the
// story output left out (a local trial, not committed), trained without
// the session's first fresh sets w276-w282 and scored on them, read
// conduct 0.872/0.796 -> 0.856/0.821 at 1.5 and 0.853/0.832 at 2,
// misinformation precision 0.954 -> 0.923 and benign flagged unchanged
// (31 -> 31 and 30 of 606): recall bought with the precision whose bar
// (0.85) conduct is nearest. The twenty-two sets trained in this session
// left the module 7.5 KB under its budget at these settings; the next
// sixteen (w283-w296, n52, n53) took it 2.7 KB over (1,502,695 bytes
// gzipped). CV at that data (294 writers, 58,400 scored posts) against
// privacy 0.907/0.914, boundaries 0.972/0.890, conduct 0.916/0.776,
// misinformation 0.962/0.882, disclosure 0.969/0.952, benign 4.1%, news
// 0.9%: Levels 15 read 0.916/0.899, 0.965/0.903, 0.923/0.763,
// 0.952/0.893, 0.965/0.957, 4.0%, 0.9% (1,496,026 bytes); MinPairs 5 read
// 0.919/0.894, 0.964/0.905, 0.917/0.770, 0.945/0.897, 0.970/0.952, 4.0%,
// 0.8% (1,458,809 bytes), and with AddedStory 0.8 or 0.8125 privacy
// 0.907/0.915 but benign 4.4%; the story's floor at 0.3 changed nothing.
// The first runs have missed the privacy precision and benign bars more
// often than privacy recall (w283-w289: 0.845/0.897, 6.8%), so MinPairs 5
// it is, with 41 KB of room for the next sets.
// Twenty-first session (362 writers, 72,000 scored posts): the twentieth
// session's waiting sets took the module 2.8 KB over budget at MinPairs 5
// (1,502,783 bytes gzipped); MinPairs 6 took it to 1,469,126 at CV privacy
// 0.913/0.913, boundaries 0.965/0.910, conduct 0.921/0.789, misinformation
// 0.952/0.899, disclosure 0.962/0.963, benign 4.1%, news 1.1%, and on the
// session's first eight fresh sets (w365-w372, trained on by neither)
// within a post or two of MinPairs 5. Conduct's floor at 0.7 read CV
// conduct 0.913/0.801 and benign 4.3%, the rest unchanged; at 0.6, on
// w365-w371, conduct 0.872/0.688 -> 0.848/0.741 and benign 7.0% -> 7.7%:
// those first runs flagged 6.2-6.7% of their benign posts, so the floors
// stayed. On w365-w378 (2,800 posts, trained on by neither) the story's
// floor at 0.6 read privacy 0.889/0.901 against 0.883/0.915 and benign
// 5.1% against 5.2%; AddedStory 0.85 changed no answer (the story's
// threshold is held by the category's precision, not the added posts').
// Twenty-second session: the session's first eight fresh sets (w391-w398,
// scored with its start engine ff9ec6d) flagged 6.4% of their benign
// posts, conduct's learned finding the first cause (20 of 45). On
// w379-w398 (4,000 posts, trained on by none of these), with the
// criticism phrases of that session: conduct's floor 0.8 read conduct
// 0.882/0.822 and benign 4.9%, 0.9 read 0.907/0.794 and 4.6%, 1.0 read
// 0.924/0.757 and 4.4%, the other categories unchanged; Precision 0.9
// matched the 0.9 floor. Conduct's recall has the wider margin over its
// bar (0.65) than benign flagged over its (6%), so the floor went to 0.9.
// The session's next fresh sets undid that: on w399-w405 and w408 (1,600
// posts, trained on by neither), the model trained with 0.9 read conduct
// 0.935/0.776 and benign 5.3%, the same training with 0.8 0.920/0.821
// and 5.4% (w405 alone: 0.621 against 0.759 recall), so the floor is
// back at 0.8: a set's conduct recall sits nearer its bar than its
// benign flagged does.
// Twenty-third session (426 writers): its fresh sets kept flagging 4.9-6.1%
// of their benign posts (w421-w428 with the start engine 6.1%), with
// conduct's precision the nearer bar (0.877 on w429-w437), the learned
// conduct, privacy, misinformation and disclosure findings behind most.
// Trained on w399-w428, on w429-w437 (1,800 posts, trained on by none):
// floors story 0.4, boundaries 0.9, conduct 0.8, misinformation 0.9,
// disclosure 0.7 read conduct 0.877/0.838, misinformation 0.944/0.939,
// disclosure 0.966/0.959, benign 4.9%; conduct 0.9 alone 0.909/0.810 and
// 4.5%; conduct 0.9, misinformation 1.0 and disclosure 0.9 0.909/0.810,
// 0.962/0.935, 0.972/0.946 and 4.1%; Precision 0.9 changed nothing. The
// last was then met untouched by w438, w439 and w441-w444 (1,200 posts):
// benign 3.7% against 4.5% with the old floors (conduct 0.927/0.804
// against 0.915/0.823, misinformation 0.974/0.938 against 0.950/0.944,
// disclosure 0.977/0.966 against 0.944/0.977), so those are the floors.
// Twenty-fourth session (461 writers): its second fresh wave (w464-w470,
// 1,400 posts, trained on by neither engine) read privacy 0.877/0.942 and
// flagged 6.1% of its benign posts with the retrained model, the privacy
// story the nearer bar again. The story's floor 0.4 -> 0.5, with the
// conjoined features (kind conj: a post's symbols joined to its speaking of
// a person): CV privacy 0.915/0.914 -> 0.927/0.897, benign 3.8% -> 3.4%,
// news 1.0% -> 0.8%; on w464-w470, 0.879/0.945 -> 0.898/0.934 and 6.1% ->
// 5.2%. The conjoined features alone, CV: conduct 0.934/0.785 ->
// 0.932/0.790, privacy 0.914/0.914 -> 0.915/0.914, benign 3.7% -> 3.8%;
// AddedStory 0.85 changed nothing.
// On the fresh sets after it the floor-0.5 engines read privacy
// 0.914/0.900 (79af023, w471-w487) and 0.939/0.878 (8157c85, w488-w494),
// benign 4.2% and 2.3%, where the floor-0.4 start engine read 0.903/0.918
// and 0.932/0.886, benign 4.8% and 3.1%: the floor trades the two privacy
// bars, and 0.45 may balance them better. 8157c85 (and 7794b47) also lost
// a post of the tuning corpus to the story's veto (TestCorpusTargets), so
// the session ended on 79af023's model.
// Twenty-fifth session (495 writers, 98,000 posts, w471-w494 and n76-n78
// added): CV with the story's floor at 0.5 read privacy 0.927/0.898 and
// benign 3.3% (news 0.8%); at 0.45, 0.914/0.914 and 3.7% (news 0.9%), the
// other outputs unchanged. The fresh waves' privacy bars had failed once
// each way (precision 0.877 on w464-w470, recall 0.878 on w488-w494), so
// the floor went to 0.45, the larger of the two smaller figures.
// Twenty-sixth session (544 writers, 108,800 posts, w535-w548 and n85-n86
// added): those sets alone left the module 3.8 KB under its budget at
// MinPairs 6 (1,496,217 bytes gzipped). CV at that data: MinPairs 7 read
// privacy 0.915/0.916 against 0.915/0.917, boundaries 0.968/0.912 against
// 0.968/0.914, conduct 0.937/0.793 against 0.935/0.795, misinformation
// 0.969/0.886 against 0.968/0.890, disclosure 0.975/0.955 against
// 0.973/0.956, benign 3.6% against 3.7%, news 0.9% against 1.0%: equal
// within a few posts, and room for the next sets, so MinPairs 7.
// Twenty-eighth session: with the benign posts flagged at 2.6-3.6% on the
// last four fresh waves and conduct's recall the lowest (0.78), conduct's
// floor 0.9 -> 0.8, trained on 595 writers and scored on w598-w625 (5,600
// posts, trained on by neither): conduct 0.937/0.775 -> 0.919/0.812,
// benign 3.2% -> 3.4% (79 -> 82 of 2,438), news (n94-n97) 1.6% either way,
// the other outputs unchanged; 0.7 gave the same answers (the category's
// Precision holds the threshold there). Boundaries and disclosure at 0.8
// too read 0.975/0.918 -> 0.960/0.939 and 0.990/0.949 -> 0.979/0.959 for
// ten more benign posts flagged (3.8%): recall with wide margins already,
// not kept; misinformation at 0.9 changed nothing.
// Later in the session the waves through w639 took the module 2.1 KB over
// its budget (1,502,102 bytes gzipped) at MinPairs 7. MinPairs 8, trained
// on the same 630 writers as the engine 3391656 and scored on w633-w639
// (1,400 posts, trained on by neither), read privacy 0.933/0.926 against
// 0.928/0.928, conduct 0.946/0.879 against 0.950/0.864, benign flagged 15
// against 16 of 607, news (n99) 1 of 200 either way, the rest unchanged;
// with all 637 writers it leaves 22.6 KB of room (1,477,430 bytes), so
// MinPairs 8.
// Thirtieth session: the out-of-fold models only choose the thresholds,
// and averaging fewer runs in them moves no answer: trained on 693
// writers, FoldRuns 2 and 3 gave the same categories as 5 on all 164,200
// posts, and with 700 writers FoldRuns 1 the same as 2. FoldRuns 2 halves
// the training (15 runs of fitOnce instead of 30: go generate 79 s
// instead of about 110), which TestModelCurrent repeats in make test.
// The 700 writers left the module 4.8 KB under its budget at MinPairs 8
// (1,495,153 bytes gzipped). Trained on 693 writers and scored on
// w696-w702 (1,400 posts, trained on by neither), MinPairs 9 read privacy
// 0.916/0.896 against 0.914/0.902, boundaries 0.938/0.899 against
// 0.938/0.893, conduct 0.912/0.783 against 0.904/0.802, misinformation
// 0.970/0.812 against 0.964/0.825, benign flagged 28 against 31 of 617,
// news (n108) 2 of 200 either way: a post or two per category either way,
// for 23 KB of the module, so MinPairs 9.
// Thirty-second session: 1,250 more Spanish glosses (rules/data/gloss_es.txt)
// and the sets through w779 took the module over its budget at MinPairs 9
// (the glosses alone 8.4 KB gzipped). Cross-validated by writer with the
// glosses (5 folds, 153,600 posts), MinPairs 10 read privacy
// 0.920/0.917 against 0.920/0.918, boundaries 0.970/0.914 against
// 0.969/0.915, conduct 0.925/0.826 against 0.923/0.829, misinformation
// 0.962/0.906 against 0.961/0.907, benign flagged 3.7% either way (2,464
// against 2,470 of 66,872), news 0.8% either way: a few dozen posts of
// 150,000, so MinPairs 10.
// Thirty-third session (812 writers, 162,000 posts cross-validated):
// MultiPos 1.5 on the four category outputs only (the story's positives
// left at 1; a local patch, as in the seventeenth session) read conduct
// 0.910/0.840 against 0.924/0.829 (0.765 against 0.739 of the posts with
// another category too), boundaries 0.964/0.925 against 0.970/0.915,
// misinformation 0.950/0.917 against 0.962/0.906, benign 3.7% against
// 3.6%: equal F1, paid in precision, the nearer bar; MultiPos stays off.
// Once the module's own RE2 reader freed 50 KB, MinPairs 8 read privacy
// 0.920/0.919 against 0.921/0.916, conduct 0.923/0.832 against
// 0.924/0.829, benign 3.7% against 3.6%, news 0.8% either way: MinPairs
// stays 10 and the room is kept for the corpus.
// Thirty-fourth session (861 writers, 171,800 posts cross-validated):
// Kinds with gpair (a Spanish post's word pairs also read through their
// English glosses) read the Spanish posts' privacy 0.921/0.888 against
// 0.917/0.894, conduct 0.929/0.688 against 0.923/0.705, boundaries
// 0.957/0.851 against 0.959/0.842, the English posts unchanged, for 13 KB
// of the module: gpair stays out of Kinds. Sets written wholly in Spanish
// helped the Spanish sets that followed (rules/testdata/FIRSTRUN.md).
var outputs = []struct {
	name, category string
	floor          float64
}{
	{"story", "privacy", 0.45}, {"boundaries", "boundaries", 0.9}, {"conduct", "conduct", 0.8},
	{"misinformation", "misinformation", 1.0}, {"disclosure", "disclosure", 0.9},
}

type post struct {
	ID     string            `json:"id"`
	Text   string            `json:"text"`
	Labels map[string]string `json:"labels"`
	file   string
	feats  []uint32
	sents  []int32 // the sentence of each feature
	y      []bool
	known  []bool  // y[o] is known (a rule's example speaks for one output only)
	rules  []bool  // the rules alone flag the output's category at warn or above
	ctx    int     // how the rules alone find the post is about a patient (rules.Engine.PatientContext)
	ident  bool    // the rules find a direct identifier in it (rules.Engine.DirectIdentifier)
	weight float64 // of the post in training; 0 means 1
	benign bool
}

func main() {
	dir := flag.String("dir", "rules", "the rules package directory")
	report := flag.Bool("report", false, "print dev figures; write nothing")
	compare := flag.Bool("compare", false, "try other settings on dev and print the figures; write nothing")
	diag := flag.Bool("diag", false, "print each output's out-of-fold average precision; write nothing")
	misses := flag.String("misses", "", "with -diag: list this output's out-of-fold positives that neither the rules nor the model (at precision 0.85) find")
	cv := flag.Bool("cv", false, "cross-validate the whole engine by writer and print the figures; write nothing")
	cvOut := flag.String("cv-out", "", "with -cv: write each scored post's verdicts to this file (JSON lines)")
	s := defaults
	flag.UintVar(&s.Bits, "bits", s.Bits, "log2 of the weight buckets")
	sentence := flag.String("sentence", "", "logits a sentence's own score is lowered by before it may stand for the post's, one value or one per output (negative: the post's score only)")
	flag.IntVar(&s.MinPosts, "min-posts", s.MinPosts, "training posts a feature (with -by-feature=false, a weight bucket's features) must occur in to be learned")
	flag.IntVar(&s.MinPairs, "min-pairs", s.MinPairs, "training posts a word pair (with -by-feature=false, a bucket seen only through pairs) must occur in (0: min-posts)")
	flag.BoolVar(&s.ByFeature, "by-feature", s.ByFeature, "count -min-posts and -min-pairs by feature rather than by weight bucket")
	flag.IntVar(&s.Levels, "levels", s.Levels, "quantisation steps from zero to the largest stored weight (at most 127)")
	flag.IntVar(&s.Epochs, "epochs", s.Epochs, "passes over the training split")
	flag.IntVar(&s.Runs, "runs", s.Runs, "runs averaged, each over its own order of the posts")
	flag.IntVar(&s.FoldRuns, "fold-runs", s.FoldRuns, "runs averaged in each out-of-fold model, which sets the thresholds (0: -runs)")
	flag.Float64Var(&s.Rate, "rate", s.Rate, "AdaGrad learning rate")
	flag.Float64Var(&s.MultiPos, "multi-pos", s.MultiPos, "weight of a positive in a post labelled with two or more categories (above 1; off by default)")
	flag.Float64Var(&s.L2, "l2", s.L2, "L2 penalty")
	flag.StringVar(&s.Kinds, "kinds", s.Kinds, "feature kinds")
	flag.Float64Var(&s.VetoLoss, "veto-loss", s.VetoLoss, "share of a category's positives a veto may unflag")
	flag.Float64Var(&s.MinLogit, "min-logit", s.MinLogit, "the lowest warn threshold, in log-odds above the base rate")
	flag.Float64Var(&s.Added, "added", s.Added, "precision of the posts the model adds")
	flag.Float64Var(&s.AddedStory, "added-story", s.AddedStory, "precision of the posts the model makes patients' stories")
	flag.Float64Var(&s.Precision, "precision", s.Precision, "precision of a category, rules and model together, that the warn thresholds aim at")
	floors := flag.String("floors", "", "comma-separated floor per output (story,boundaries,conduct,misinformation,disclosure), overriding the table")
	flag.Parse()
	if *floors != "" {
		fs := strings.Split(*floors, ",")
		if len(fs) != len(outputs) {
			log.Fatalf("-floors: want %d values, got %d", len(outputs), len(fs))
		}
		for o, f := range fs {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || v < 0 {
				log.Fatalf("-floors: %q is not a non-negative number", f)
			}
			outputs[o].floor = v
		}
	}
	if *sentence != "" {
		fs := strings.Split(*sentence, ",")
		if len(fs) != 1 && len(fs) != len(outputs) {
			log.Fatalf("-sentence: want 1 or %d values, got %d", len(outputs), len(fs))
		}
		for o := range outputs {
			v, err := strconv.ParseFloat(strings.TrimSpace(fs[min(o, len(fs)-1)]), 64)
			if err != nil {
				log.Fatalf("-sentence: %q is not a number", fs[min(o, len(fs)-1)])
			}
			s.Sentence[o] = v
		}
	}
	if *cv {
		train, _, err := Load(*dir, s.Kinds)
		if err == nil {
			err = CrossValidate(train, s, *cvOut)
		}
		if err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*dir, s, *report, *compare, *diag, *misses); err != nil {
		log.Fatal(err)
	}
}

func run(dir string, s Settings, report, compare, diag bool, misses string) error {
	train, dev, err := Load(dir, s.Kinds)
	if err != nil {
		return err
	}
	if compare {
		return Compare(train, dev, s)
	}
	if diag {
		oof, scored := outOfFold(train, s)
		for o, out := range outputs {
			single, multi := recallSplit(scored, oof, o, 0.85)
			fmt.Printf("%-15s out-of-fold average precision %.3f, recall at precision 0.85 %.3f (single-label %.3f, multi-label %.3f; model alone, %d posts)\n", out.name, avgPrecision(scored, oof, o), recallAt(scored, oof, o, 0.85), single, multi, len(scored))
			if out.name == misses {
				listMisses(scored, oof, o)
			}
		}
		return nil
	}
	file, err := Train(train, dev, s)
	if err != nil {
		return err
	}
	if report {
		// Figures only: a report run with other settings must not
		// replace the model go generate made.
		return Report(os.Stdout, dev, file)
	}
	return os.WriteFile(filepath.Join(dir, "model_data.go"), Source(file), 0o644)
}

// Source is the Go file that embeds the model file as a string literal:
// printable bytes as themselves (most weights, stored plus 64, are), the
// rest escaped. The module holds the bytes as they are, with no decoding.
func Source(file []byte) []byte {
	const hex = "0123456789abcdef"
	var b bytes.Buffer
	b.WriteString("// Code generated by rules/gen/train; DO NOT EDIT.\n\npackage rules\n\n")
	b.WriteString("// modelData is the learned model file (see model.go and rules/gen/train).\n")
	b.WriteString("const modelData = \"")
	for _, c := range file {
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
		} else {
			b.WriteString("\\x")
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	b.WriteString("\"\n")
	return b.Bytes()
}

// Load reads the posts and splits them by file into train and dev, with
// their features (of the kinds listed) and the rules' own verdicts.
func Load(dir, kinds string) (train, dev []*post, err error) {
	devFiles := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(dir, "testdata", "posts", "dev.txt")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				devFiles[l] = true
			}
		}
	}
	var files []string
	for _, g := range []string{"testdata/*.jsonl", "testdata/posts/*.jsonl"} {
		m, err := filepath.Glob(filepath.Join(dir, g))
		if err != nil {
			return nil, nil, err
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	e, err := rules.CompileWithModel(nil, "")
	if err != nil {
		return nil, nil, err
	}
	e.SetGlossPairs(kindSet(kinds)["gpair"])
	for _, f := range files {
		ps, err := readPosts(f)
		if err != nil {
			return nil, nil, err
		}
		base := filepath.Base(f)
		for _, p := range ps {
			p.file = base
			p.feats, p.sents = e.ModelFeatures(p.Text)
			p.benign = len(p.Labels) == 0
			res := e.Scan(p.Text)
			p.ctx = e.PatientContext(p.Text)
			p.ident = e.DirectIdentifier(p.Text)
			for _, o := range outputs {
				_, ok := p.Labels[o.category]
				p.y = append(p.y, ok)
				p.known = append(p.known, true)
				p.rules = append(p.rules, flags(res, o.category))
			}
			if devFiles[base] {
				dev = append(dev, p)
			} else {
				train = append(train, p)
			}
		}
	}
	if len(train) == 0 {
		return nil, nil, fmt.Errorf("no training posts under %s/testdata", dir)
	}
	return append(train, examplePosts(e)...), dev, nil
}

// examplePosts turns the rules' own examples into training posts that
// speak for one output: a text that must flag a rule is positive for its
// category, one that must pass is negative. For the story output only the
// patient-story rules' examples count: an identifier's example ("Call
// 555-201-7788") is no story either way.
func examplePosts(e *rules.Engine) []*post {
	var out []*post
	for _, ex := range e.Examples() {
		cat, _, _ := strings.Cut(ex.Rule, ".")
		o := -1
		for k, out := range outputs {
			if out.category == cat {
				o = k
			}
		}
		if o < 0 || o == 0 && !storyRule(ex.Rule) {
			continue
		}
		p := &post{ID: ex.Rule, Text: ex.Text, file: "examples", weight: ExampleWeight}
		p.feats, p.sents = e.ModelFeatures(ex.Text)
		p.y = make([]bool, len(outputs))
		p.known = make([]bool, len(outputs))
		p.y[o], p.known[o] = ex.Flag, true
		out = append(out, p)
	}
	return out
}

// ExampleWeight is how much a rule's example counts in training against a
// post: examples are short and written to state the rule, and a learned
// rule must flag its own.
const ExampleWeight = 3

// storyRule reports whether a privacy rule's examples are about whether a
// post tells a patient's story.
func storyRule(id string) bool {
	for _, p := range []string{"privacy.story", "privacy.encounter", "privacy.patient_context", "privacy.quasi.", "privacy.permission", "privacy.learned"} {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

func flags(res rules.Result, cat string) bool {
	for _, f := range res.Findings {
		if string(f.Category) == cat && f.Severity.Rank() >= rules.Warn.Rank() {
			return true
		}
	}
	return false
}

func readPosts(path string) ([]*post, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []*post
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var p post
		if err := json.Unmarshal(line, &p); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, &p)
	}
	return out, sc.Err()
}

// weights are a trained model before quantisation.
type weights struct {
	s    Settings
	w    []float64 // bucket-major
	bias []float64
}

// fit trains one logistic regression per output with AdaGrad, s.Runs
// times over differently shuffled passes, and averages the runs' weights:
// one run's thresholds move with the order of its passes (adding four
// example sentences moved the dev figures by ten points); the average
// does not.
func fit(train []*post, s Settings) *weights {
	runs := max(s.Runs, 1)
	// The runs are independent, so they run side by side (at most one per
	// CPU, see fitSlots); they are summed in run order, so the result is
	// the same bytes as one after another.
	rs := make([]*weights, runs)
	buckets, nfeat := learnable(train, s) // read-only from here on
	var wg sync.WaitGroup
	for k := 0; k < runs; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			fitSlots <- struct{}{}
			defer func() { <-fitSlots }()
			sk := s
			sk.Seed = s.Seed + uint64(k)*0x9e3779b97f4a7c15
			rs[k] = fitOnce(train, buckets, nfeat, sk)
		}(k)
	}
	wg.Wait()
	m := rs[0]
	m.s = s
	for _, r := range rs[1:] {
		for i, v := range r.w {
			m.w[i] += v
		}
	}
	for i := range m.w {
		m.w[i] /= float64(runs)
	}
	return m
}

// fitSlots bounds the training runs working at once to the CPUs: each
// holds a few tens of megabytes, and more at once would only share them.
var fitSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// keepCommonFeatures keeps in buckets[i] the buckets of those features of
// post i that occur in MinPosts training posts (pairs: MinPairs). Buckets
// are shared (2^Bits of them for some 600,000 features), so counting by
// bucket keeps nearly every bucket that a common feature fills and trains
// it on the rare features that fall in it too; counting by feature trains
// each bucket on its common features alone, and a bucket only rare
// features fill stays zero, which keeps the stored model small.
func keepCommonFeatures(train []*post, buckets [][]int, mask uint32, kinds kinds, s Settings) {
	// Per feature, the number of posts it occurs in (low 32 bits) and the
	// last post counted (high 32 bits), held by value: millions of
	// features, so no allocation each.
	counts := make(map[uint32]uint64, 1<<21)
	for i, p := range train {
		seen := uint64(i+1) << 32
		for _, f := range p.feats {
			if !kinds.has(f) {
				continue
			}
			if c := counts[f]; c&^0xffffffff != seen {
				counts[f] = seen | (c&0xffffffff + 1)
			}
		}
	}
	minPairs := s.minPairs()
	for i, p := range train {
		kept := buckets[i][:0]
		for _, f := range p.feats {
			if !kinds.has(f) {
				continue
			}
			need := s.MinPosts
			if rules.FeatureKind(f) == "pair" {
				need = minPairs
			}
			if int(counts[f]&0xffffffff) >= need {
				kept = append(kept, int(f&mask))
			}
		}
		buckets[i] = kept
	}
}

// learnable returns, for each training post, the weight buckets it
// updates (those of its features that are common enough to learn) and its
// number of features, rare ones included, since the engine divides by
// that number too. They are the same for every run of a fit.
func learnable(train []*post, s Settings) (buckets [][]int, nfeat []int) {
	nb := 1 << s.Bits
	mask := uint32(nb - 1)
	kinds := kindSet(s.Kinds)
	buckets = make([][]int, len(train))
	nfeat = make([]int, len(train))
	for i, p := range train {
		for _, f := range p.feats {
			if kinds.has(f) {
				buckets[i] = append(buckets[i], int(f&mask))
			}
		}
		nfeat[i] = len(buckets[i])
	}
	if s.ByFeature {
		keepCommonFeatures(train, buckets, mask, kinds, s)
	} else if minPairs := s.minPairs(); minPairs > 1 {
		// A bucket seen in only one or two posts learns those posts, not a
		// pattern: it stays zero, which also keeps the stored model small.
		// Pairs are most of the rare features, so a bucket seen only
		// through pairs may be asked for more posts (MinPairs).
		posts := make([]int32, nb)
		last := make([]int32, nb)
		single := make([]int32, nb) // posts where a feature other than a pair falls in the bucket
		lastSingle := make([]int32, nb)
		for i, p := range train {
			for _, f := range p.feats {
				if !kinds.has(f) {
					continue
				}
				b := int(f & mask)
				if last[b] != int32(i+1) {
					last[b] = int32(i + 1)
					posts[b]++
				}
				if rules.FeatureKind(f) != "pair" && lastSingle[b] != int32(i+1) {
					lastSingle[b] = int32(i + 1)
					single[b]++
				}
			}
		}
		for i, bs := range buckets {
			kept := bs[:0]
			for _, b := range bs {
				if int(single[b]) >= s.MinPosts || int(posts[b]) >= minPairs {
					kept = append(kept, b)
				}
			}
			buckets[i] = kept
		}
	}
	return buckets, nfeat
}

// fitOnce is one run of fit over the buckets and feature counts that
// learnable gives for train.
func fitOnce(train []*post, buckets [][]int, nfeat []int, s Settings) *weights {
	no := len(outputs)
	nb := 1 << s.Bits
	m := &weights{s: s, w: make([]float64, nb*no), bias: make([]float64, no)}
	// The bias is the log-odds of each output in the training posts and is
	// not learned: the features, divided by the root of their number, say
	// how a post differs from the base rate, so a post of one or two words
	// ("ok") scores the base rate rather than whatever the bias absorbed.
	for o := 0; o < no; o++ {
		var pos, all float64
		for _, p := range train {
			if p.known != nil && !p.known[o] {
				continue
			}
			all++
			if p.y[o] {
				pos++
			}
		}
		m.bias[o] = math.Log((pos + 1) / (all - pos + 1))
	}
	// wg holds each bucket's weights and their AdaGrad sums of squared
	// gradients in one 64-byte row (the outputs' weights, then at half
	// their sums), as float32: an update reads both, and training is bound
	// by those reads at random, so one cache line per bucket (a Go
	// allocation this large starts on a page) sets its speed, and the
	// update's square root and division in single precision the rest.
	// Against float64 weights and sums side by side (16 bytes a weight),
	// TestModelCurrent took 107 s instead of 146 s, and the quantised
	// model gave the same categories on every post.
	const half = rowFloats / 2
	if no > half {
		panic("train: more outputs than a row of fitOnce's table holds")
	}
	wg := make([]float32, nb*rowFloats)
	rate := float32(s.Rate)
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x5deece66d))
	order := make([]int, len(train))
	for i := range order {
		order[i] = i
	}
	for ep := 0; ep < s.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			p := train[i]
			multi := false
			if s.MultiPos > 1 {
				n := 0
				for _, y := range p.y {
					if y {
						n++
					}
				}
				multi = n >= 2
			}
			xs := 1 / math.Sqrt(float64(max(nfeat[i], rules.ModelMinFeatures)))
			for o := 0; o < no; o++ {
				if p.known != nil && !p.known[o] {
					continue
				}
				z := 0.0
				for _, b := range buckets[i] {
					z += float64(wg[b*rowFloats+o])
				}
				z = m.bias[o] + z*xs
				y := 0.0
				if p.y[o] {
					y = 1
				}
				g := 1/(1+math.Exp(-z)) - y
				if p.weight > 0 {
					g *= p.weight
				}
				if multi && p.y[o] {
					g *= s.MultiPos
				}
				for _, b := range buckets[i] {
					k := b*rowFloats + o
					gk := float32(g*xs + s.L2*float64(wg[k]))
					sum := wg[k+half] + gk*gk
					wg[k+half] = sum
					wg[k] -= rate * gk / float32(math.Sqrt(float64(sum+1e-8)))
				}
			}
		}
	}
	for b := 0; b < nb; b++ {
		for o := 0; o < no; o++ {
			m.w[b*no+o] = float64(wg[b*rowFloats+o])
		}
	}
	return m
}

// rowFloats is the float32s in one bucket's row of fitOnce's table: a
// 64-byte cache line, room for eight outputs' weights and sums.
const rowFloats = 16

// kinds is a set of feature kinds; nil means every feature.
type kinds map[string]bool

func kindSet(list string) kinds {
	if list == "" {
		return nil
	}
	k := kinds{}
	for _, x := range strings.Split(list, ",") {
		k[strings.TrimSpace(x)] = true
	}
	return k
}

func (k kinds) has(f uint32) bool { return k == nil || k[rules.FeatureKind(f)] }

// quantised is a model as it is stored: int8 weights under one scale.
type quantised struct {
	s            Settings
	scale        float64
	w            []int8
	bias         []int32
	warn, block  []int32
	veto, veto2  []int32
	veto3        []int32
	warnIdent    []int32
	mask         uint32
	kinds        kinds
	dev          string // the dev figures, for the report
	trainN, devN int
}

func quantise(m *weights) *quantised {
	// The scale puts the 99.9th percentile of the weights' magnitudes at
	// Levels (at most 127); the few larger ones are clipped.
	mags := make([]float64, 0, len(m.w))
	for _, x := range m.w {
		if x != 0 {
			mags = append(mags, math.Abs(x))
		}
	}
	sort.Float64s(mags)
	top := 1.0
	if len(mags) > 0 {
		top = mags[min(len(mags)-1, len(mags)*999/1000)]
	}
	levels := max(1, min(127, m.s.Levels))
	q := &quantised{s: m.s, scale: top / float64(levels), w: make([]int8, len(m.w)), mask: uint32(1<<m.s.Bits - 1)}
	for i, x := range m.w {
		v := math.Round(x / q.scale)
		q.w[i] = int8(max(-float64(levels), min(float64(levels), v)))
	}
	for _, b := range m.bias {
		q.bias = append(q.bias, int32(math.Round(b/q.scale)))
	}
	q.warn = make([]int32, len(outputs))
	q.block = make([]int32, len(outputs))
	q.veto = make([]int32, len(outputs))
	q.veto2 = make([]int32, len(outputs))
	q.veto3 = make([]int32, len(outputs))
	q.warnIdent = make([]int32, len(outputs))
	for o := range q.warn {
		q.warn[o], q.block[o], q.veto[o], q.veto2[o], q.veto3[o], q.warnIdent[o] = math.MaxInt32, math.MaxInt32, math.MinInt32, math.MinInt32, math.MinInt32, math.MaxInt32
	}
	q.kinds = kindSet(m.s.Kinds)
	return q
}

// score is the quantised score of output o for a post.
func (q *quantised) score(p *post, o int) int32 {
	no := len(outputs)
	z := q.bias[o]
	for _, f := range p.feats {
		if q.kinds.has(f) {
			z += int32(q.w[int(f&q.mask)*no+o])
		}
	}
	return z
}

// Train fits the model on train and returns the model file. Each
// output's thresholds are chosen on out-of-fold scores: the training
// writers are split into Folds groups, a model is fitted without each
// group and scores it, so every training post gets a score from a model
// that never saw its writer. The dev split is not used (it stays for
// honest figures); the rules' own examples and the older sets, on which
// the rules were tuned, always train and never score.
func Train(train, dev []*post, s Settings) ([]byte, error) {
	final := fit(train, s)
	q := quantise(final)
	q.trainN, q.devN = len(train), len(dev)
	oof, scored := outOfFold(train, s)
	vetoes := chooseVeto(q, scored, oof)
	chooseWarn(q, scored, oof, vetoes)
	chooseWarnIdent(q, scored, oof)
	// A score at which the model alone would call a post a patient story
	// never undoes a context the rules found: the story vetoes stay below
	// the story's warn threshold. Likewise for the other outputs: a score
	// at which the model would report the category itself never drops a
	// rule's finding of it (the rule's own message and fix would give way
	// to the learned rule's).
	q.veto[0], q.veto2[0], q.veto3[0] = min(q.veto[0], q.warn[0]), min(q.veto2[0], q.warn[0]), min(q.veto3[0], q.warn[0])
	for o := 1; o < len(outputs); o++ {
		q.veto[o] = min(q.veto[o], q.warn[o])
	}
	return q.encode(), nil
}

// Folds is the number of writer groups for the out-of-fold scores.
const Folds = 5

// outOfFold returns, for each post that a fold scores, its logits from the
// model fitted without its fold.
func outOfFold(train []*post, s Settings) ([][]float64, []*post) {
	var logits [][]float64
	var scored []*post
	// The folds train side by side (their runs share fitSlots) and are
	// gathered in fold order.
	folds := writerFolds(train)
	models := make([]*weights, len(folds))
	var wg sync.WaitGroup
	for k, f := range folds {
		if len(f.out) == 0 {
			continue
		}
		wg.Add(1)
		go func(k int, in []*post) {
			defer wg.Done()
			sf := s
			sf.Runs = s.foldRuns()
			models[k] = fit(in, sf)
		}(k, f.in)
	}
	wg.Wait()
	for k, f := range folds {
		if models[k] == nil {
			continue
		}
		for _, p := range f.out {
			logits = append(logits, models[k].logits(p))
			scored = append(scored, p)
		}
	}
	return logits, scored
}

// A fold is one group of writers held out (out) and the posts trained
// without it (in).
type fold struct{ in, out []*post }

// writerFolds splits the training posts into Folds folds by writer. Only
// the writers' sets are held out (the clinicians' sets w*, the benign-only
// sets b* and the health-news sets n*): the rules were tuned on the older
// sets, so there the rules look better than they are; those always train.
func writerFolds(train []*post) [Folds]fold {
	var files []string
	seen := map[string]bool{}
	for _, p := range train {
		if heldOutSet(p.file) && !seen[p.file] {
			seen[p.file] = true
			files = append(files, p.file)
		}
	}
	sort.Strings(files)
	group := map[string]int{}
	for i, f := range files {
		group[f] = i % Folds
	}
	var folds [Folds]fold
	for _, p := range train {
		for k := range folds {
			if g, ok := group[p.file]; ok && g == k {
				folds[k].out = append(folds[k].out, p)
			} else {
				folds[k].in = append(folds[k].in, p)
			}
		}
	}
	return folds
}

// heldOutSet reports whether a training file is a writer's set that
// cross-validation holds out: w01, b03, n02 (posts/*.jsonl).
func heldOutSet(file string) bool {
	return len(file) > 1 && strings.ContainsRune("wbn", rune(file[0])) && file[1] >= '0' && file[1] <= '9'
}

// logits are a post's unquantised scores, one per output.
func (m *weights) logits(p *post) []float64 {
	no := len(outputs)
	mask := uint32(len(m.w)/no - 1)
	k := kindSet(m.s.Kinds)
	z := make([]float64, no)
	n := 0
	for _, f := range p.feats {
		if k.has(f) {
			n++
			b := int(f&mask) * no
			for o := range z {
				z[o] += m.w[b+o]
			}
		}
	}
	for o := range z {
		z[o] = m.bias[o] + z[o]/math.Sqrt(float64(max(n, rules.ModelMinFeatures)))
	}
	if len(p.sents) == len(p.feats) && len(p.feats) > 0 {
		// A sentence's own score, less the margin, may stand for the
		// post's (rules/model.go, scores).
		ns := 0
		for _, s := range p.sents {
			ns = max(ns, int(s)+1)
		}
		if ns > 1 {
			sum := make([]float64, ns*no)
			cnt := make([]int, ns)
			for j, f := range p.feats {
				if k.has(f) {
					s := int(p.sents[j])
					cnt[s]++
					b := int(f&mask) * no
					for o := 0; o < no; o++ {
						sum[s*no+o] += m.w[b+o]
					}
				}
			}
			for s := 0; s < ns; s++ {
				root := math.Sqrt(float64(max(cnt[s], rules.ModelMinFeatures)))
				for o := 0; o < no; o++ {
					if mg := m.s.Sentence[o]; mg >= 0 {
						z[o] = max(z[o], m.bias[o]+sum[s*no+o]/root-mg)
					}
				}
			}
		}
	}
	return z
}

// toScore converts a logit threshold to the quantised model's score units.
func (q *quantised) toScore(t float64) int32 {
	if math.IsInf(t, 1) {
		return math.MaxInt32
	}
	if math.IsInf(t, -1) {
		return math.MinInt32
	}
	return int32(math.Ceil(t / q.scale))
}

// chooseWarn sets each output's warn threshold to the lowest logit at which
// the category, flagged by the rules or the model, keeps s.Precision and
// the posts the model adds (those the rules leave unflagged in its
// category) are still s.Added correct, and the block threshold to the
// lowest at which s.BlockPrec of those posts are labelled block.
func chooseWarn(q *quantised, ps []*post, logits [][]float64, vetoes []float64) {
	for o, out := range outputs {
		var xs []scored
		rtp, rfp := 0, 0 // the rules' own, less what the veto drops
		for i, p := range ps {
			ruled := p.rules[o] && (o == 0 || len(p.feats) < rules.ModelVetoFeatures || logits[i][o] >= vetoes[o])
			if !ruled {
				xs = append(xs, scored{logits[i][o], p.y[o], p.Labels[out.category] == "block"})
			} else if p.y[o] {
				rtp++
			} else {
				rfp++
			}
		}
		// The category must keep s.Precision, or the rules' own precision
		// when that is lower: the model may not make it worse.
		target := min(q.s.Precision, ratio(rtp, rtp+rfp))
		addedPrec := q.s.Added
		if o == 0 {
			addedPrec = q.s.AddedStory
		}
		best := lowestThreshold(xs, func(tp, fp int, z float64) bool {
			added := float64(tp) >= addedPrec*float64(tp+fp)
			all := float64(rtp+tp) >= target*float64(rtp+tp+rfp+fp)
			return tp >= 3 && added && all && z >= float64(q.bias[o])*q.scale+q.s.MinLogit*out.floor
		})
		q.warn[o] = q.toScore(best)
		nb, n := 0, 0
		block := math.Inf(1)
		for _, x := range xs {
			if x.z < best {
				break
			}
			n++
			if x.block {
				nb++
			}
			if n >= 5 && float64(nb) >= q.s.BlockPrec*float64(n) {
				block = x.z
			}
		}
		q.block[o] = q.toScore(block)
	}
}

// scored is a post's logit for one output, whether it is a positive, and
// whether its label is block.
type scored struct {
	z     float64
	y     bool
	block bool
}

// lowestThreshold sorts xs by logit, highest first, and returns the lowest
// logit at which ok holds for the positives (tp) and negatives (fp) at or
// above it; +Inf when it never does.
func lowestThreshold(xs []scored, ok func(tp, fp int, z float64) bool) float64 {
	sort.Slice(xs, func(i, j int) bool { return xs[i].z > xs[j].z })
	best := math.Inf(1)
	tp, fp := 0, 0
	for _, x := range xs {
		if x.y {
			tp++
		} else {
			fp++
		}
		if ok(tp, fp, x.z) {
			best = x.z
		}
	}
	return best
}

// chooseWarnIdent sets the story's threshold for posts holding a direct
// identifier that the rules do not already find about a patient: the
// lowest, no lower than the output's base rate and no higher than its warn
// threshold, at which those posts the model adds are s.Precision correct.
// Such a post's story makes its identifiers findings at their patient
// severity, so the bar is the category's, not the added posts'.
func chooseWarnIdent(q *quantised, ps []*post, logits [][]float64) {
	const o = 0
	var xs []scored
	for i, p := range ps {
		if p.ident && !p.rules[o] && p.ctx == 0 {
			xs = append(xs, scored{z: logits[i][o], y: p.y[o]})
		}
	}
	best := lowestThreshold(xs, func(tp, fp int, z float64) bool {
		return tp >= 3 && float64(tp) >= q.s.Precision*float64(tp+fp) && z >= float64(q.bias[o])*q.scale
	})
	q.warnIdent[o] = min(q.toScore(best), q.warn[o])
}

// chooseVeto sets each output's veto to the highest logit below which the
// posts whose rule verdict it overrules (a patient context the rules
// inferred for the story, a finding of the category for the others) hold
// at most s.VetoLoss of the category's positives and at least twice as
// many negatives; for the story, veto2 does the same for the contexts a
// patient-context phrase made, and veto3 (vetoBelowAll) for those next to
// a sensitive condition. It returns the vetoes as logits.
func chooseVeto(q *quantised, ps []*post, logits [][]float64) []float64 {
	vetoes := make([]float64, len(outputs))
	for o := range outputs {
		pos := 0
		for _, p := range ps {
			if p.y[o] {
				pos++
			}
		}
		if o == 0 {
			v := vetoOver(q, ps, logits, o, pos, func(p *post) bool { return p.ctx == 1 })
			q.veto[o], vetoes[o] = q.toScore(v), v
			q.veto2[o] = q.toScore(vetoOver(q, ps, logits, o, pos, func(p *post) bool { return p.ctx == 2 }))
			q.veto3[o] = q.toScore(vetoBelowAll(ps, logits, o, func(p *post) bool { return p.ctx == 3 }))
			continue
		}
		v := vetoOver(q, ps, logits, o, pos, func(p *post) bool { return p.rules[o] })
		q.veto[o], vetoes[o] = q.toScore(v), v
	}
	return vetoes
}

// vetoBelowAll is a veto of output o over the posts in ps that ruled
// picks that unflags none of their positives: halfway between the lowest
// positive's logit and the highest negative's below it, when at least
// vetoBelowAllMin negatives lie there; -Inf otherwise. A patient's story
// next to a sensitive condition (an overdose, a psychiatric hold) is the
// costliest to lose, so its veto may only take the teaching and advocacy
// posts the model is surest of.
func vetoBelowAll(ps []*post, logits [][]float64, o int, ruled func(*post) bool) float64 {
	lowest := math.Inf(1)
	for i, p := range ps {
		if ruled(p) && len(p.feats) >= rules.ModelVetoFeatures && p.y[o] {
			lowest = min(lowest, logits[i][o])
		}
	}
	n, top := 0, math.Inf(-1)
	for i, p := range ps {
		if ruled(p) && len(p.feats) >= rules.ModelVetoFeatures && !p.y[o] && logits[i][o] < lowest {
			n++
			top = max(top, logits[i][o])
		}
	}
	if n < vetoBelowAllMin || math.IsInf(lowest, 1) {
		return math.Inf(-1)
	}
	return (top + lowest) / 2
}

// vetoBelowAllMin is the fewest negatives vetoBelowAll's veto must take.
const vetoBelowAllMin = 5

// vetoOver is the veto of output o over the posts in ps that ruled picks.
func vetoOver(q *quantised, ps []*post, logits [][]float64, o, pos int, ruled func(*post) bool) float64 {
	type sc struct {
		z float64
		y bool
	}
	var xs []sc
	for i, p := range ps {
		if ruled(p) && len(p.feats) >= rules.ModelVetoFeatures {
			xs = append(xs, sc{logits[i][o], p.y[o]})
		}
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].z < xs[j].z })
	lost, gained := 0, 0
	veto := math.Inf(-1)
	for i, x := range xs {
		if x.y {
			lost++
		} else {
			gained++
		}
		if float64(lost) > q.s.VetoLoss*float64(pos) {
			break
		}
		if gained >= 2*lost && i+1 < len(xs) && xs[i+1].z > x.z {
			veto = (x.z + xs[i+1].z) / 2
		}
	}
	return veto
}

// encode writes the model file read by rules.decodeModel.
func (q *quantised) encode() []byte {
	var b bytes.Buffer
	b.WriteString("DSCM8\n")
	settings := fmt.Sprintf("bits=%d epochs=%d rate=%g l2=%g seed=%d runs=%d kinds=%s sentence=%s precision=%g added=%g added_story=%g block_precision=%g veto_loss=%g min_logit=%g levels=%d min_posts=%d min_pairs=%d by_feature=%t train=%d dev=%d",
		q.s.Bits, q.s.Epochs, q.s.Rate, q.s.L2, q.s.Seed, q.s.Runs, q.s.Kinds, strings.Trim(strings.Join(strings.Fields(fmt.Sprint(q.s.Sentence)), ","), "[]"), q.s.Precision, q.s.Added, q.s.AddedStory, q.s.BlockPrec, q.s.VetoLoss, q.s.MinLogit, q.s.Levels, q.s.MinPosts, q.s.minPairs(), q.s.ByFeature, q.trainN, q.devN)
	if q.s.foldRuns() != q.s.Runs {
		settings += fmt.Sprintf(" fold_runs=%d", q.s.foldRuns())
	}
	if q.s.MultiPos > 1 {
		settings += fmt.Sprintf(" multi_pos=%g", q.s.MultiPos)
	}
	b.Write(binary.AppendUvarint(nil, uint64(len(settings))))
	b.WriteString(settings)
	b.WriteByte(byte(q.s.Bits))
	b.WriteByte(byte(len(outputs)))
	b.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(q.scale)))
	for o := range outputs {
		sentence := int32(math.MaxInt32)
		if q.s.Sentence[o] >= 0 {
			sentence = int32(math.Round(q.s.Sentence[o] / q.scale))
		}
		for _, v := range []int32{q.bias[o], q.warn[o], q.block[o], q.veto[o], q.veto2[o], q.warnIdent[o], sentence, q.veto3[o]} {
			b.Write(binary.LittleEndian.AppendUint32(nil, uint32(v)))
		}
	}
	// Sparse weights (model.go): a bitmap of the buckets that hold any
	// non-zero weight, then those buckets' weights, each plus 64,
	// Huffman-coded with one code per output.
	no := len(outputs)
	nb := len(q.w) / no
	bitmap := make([]byte, (nb+7)/8)
	var vals []byte
	for k := 0; k < nb; k++ {
		ws := q.w[k*no : k*no+no]
		if slices.ContainsFunc(ws, func(w int8) bool { return w != 0 }) {
			bitmap[k>>3] |= 1 << (k & 7)
			for _, w := range ws {
				vals = append(vals, byte(w)+64)
			}
		}
	}
	b.Write(bitmap)
	b.Write(huffman.Encode(vals, no))
	return b.Bytes()
}

// figures are dev scores at post level: per category precision and recall
// at warn or above, and the share of benign posts flagged.
type figures struct {
	p, r         [5]float64
	benignRate   float64
	benign, post int
}

func (f figures) String() string {
	var b strings.Builder
	for o, out := range outputs {
		fmt.Fprintf(&b, "%s %.2f/%.2f  ", out.category, f.p[o], f.r[o])
	}
	fmt.Fprintf(&b, "benign flagged %.1f%% (%d posts)", 100*f.benignRate, f.post)
	return b.String()
}

// measure scans the dev posts with an engine carrying the model file (none
// when empty) and scores it.
func measure(dev []*post, file []byte) (figures, error) {
	e, err := rules.CompileWithModel(nil, string(file))
	if err != nil {
		return figures{}, err
	}
	var tp, fp, fn [5]int
	var f figures
	flagged := 0
	for _, p := range dev {
		res := e.Scan(p.Text)
		any := false
		for o, out := range outputs {
			got := flags(res, out.category)
			any = any || got
			switch {
			case got && p.y[o]:
				tp[o]++
			case got:
				fp[o]++
			case p.y[o]:
				fn[o]++
			}
		}
		if p.benign {
			f.benign++
			if any {
				flagged++
			}
		}
	}
	for o := range outputs {
		f.p[o] = ratio(tp[o], tp[o]+fp[o])
		f.r[o] = ratio(tp[o], tp[o]+fn[o])
	}
	f.benignRate = ratio(flagged, f.benign)
	f.post = len(dev)
	return f, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report prints the dev figures of the rules alone and with the model.
func Report(w *os.File, dev []*post, file []byte) error {
	if len(dev) == 0 {
		fmt.Fprintln(w, "no dev split (rules/testdata/posts/dev.txt)")
		return nil
	}
	base, err := measure(dev, nil)
	if err != nil {
		return err
	}
	with, err := measure(dev, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "dev, rules alone:      %v\n", base)
	fmt.Fprintf(w, "dev, rules and model:  %v\n", with)
	fmt.Fprintf(w, "model file: %d bytes\n", len(file))
	e, err := rules.CompileWithModel(nil, string(file))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "settings: %s\nthresholds (logits, warn/block/veto): %s\n", e.ModelInfo().Settings, e.ModelInfo().Thresholds)
	return nil
}

// Compare trains variants of the settings and prints their dev figures.
func Compare(train, dev []*post, s Settings) error {
	base, err := measure(dev, nil)
	if err != nil {
		return err
	}
	fmt.Printf("%-40s %v\n", "rules alone", base)
	variants := []Settings{s}
	for _, k := range []string{"word", "word,pair", "word,pair,class,hit,ident", "word,class,hit,ident,shape"} {
		v := s
		v.Kinds = k
		variants = append(variants, v)
	}
	for _, bits := range []uint{14, 15, 17, 18} {
		v := s
		v.Bits = bits
		variants = append(variants, v)
	}
	for _, ep := range []int{4, 24} {
		v := s
		v.Epochs = ep
		variants = append(variants, v)
	}
	for _, l2 := range []float64{0, 1e-4} {
		v := s
		v.L2 = l2
		variants = append(variants, v)
	}
	for _, v := range variants {
		file, err := Train(train, dev, v)
		if err != nil {
			return err
		}
		f, err := measure(dev, file)
		if err != nil {
			return err
		}
		fmt.Printf("%-40s %v\n", fmt.Sprintf("bits=%d ep=%d l2=%g %s", v.Bits, v.Epochs, v.L2, v.Kinds), f)
	}
	return nil
}

// avgPrecision is the average precision of output o's scores over ps.
func avgPrecision(ps []*post, logits [][]float64, o int) float64 {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return logits[idx[a]][o] > logits[idx[b]][o] })
	tp, sum, pos := 0, 0.0, 0
	for _, p := range ps {
		if p.y[o] {
			pos++
		}
	}
	for k, i := range idx {
		if ps[i].y[o] {
			tp++
			sum += float64(tp) / float64(k+1)
		}
	}
	return sum / float64(max(pos, 1))
}

// listMisses prints output o's positives that the rules do not flag and
// whose out-of-fold logit is below the lowest one at which precision is
// still 0.85: what neither part finds, for reading.
func listMisses(ps []*post, logits [][]float64, o int) {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return logits[idx[a]][o] > logits[idx[b]][o] })
	cut, tp := math.Inf(1), 0
	for k, i := range idx {
		if ps[i].y[o] {
			tp++
		}
		if float64(tp) >= 0.85*float64(k+1) {
			cut = logits[i][o]
		}
	}
	for _, i := range idx {
		if p := ps[i]; p.y[o] && !p.rules[o] && logits[i][o] < cut {
			fmt.Printf("  miss %s %.2f %q\n", p.ID, logits[i][o], p.Text)
		}
	}
}

// recallAt is the highest recall of output o's scores over ps at which the
// precision is at least p.
func recallAt(ps []*post, logits [][]float64, o int, p float64) float64 {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return logits[idx[a]][o] > logits[idx[b]][o] })
	pos := 0
	for _, x := range ps {
		if x.y[o] {
			pos++
		}
	}
	tp, best := 0, 0.0
	for k, i := range idx {
		if ps[i].y[o] {
			tp++
		}
		if float64(tp) >= p*float64(k+1) {
			best = max(best, float64(tp)/float64(max(pos, 1)))
		}
	}
	return best
}

// recallSplit is output o's recall at the lowest threshold keeping
// precision p, over the positives labelled with o alone and over those
// labelled with other categories too.
func recallSplit(ps []*post, logits [][]float64, o int, p float64) (single, multi float64) {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return logits[idx[a]][o] > logits[idx[b]][o] })
	cut, tp := math.Inf(1), 0
	for k, i := range idx {
		if ps[i].y[o] {
			tp++
		}
		if float64(tp) >= p*float64(k+1) {
			cut = logits[i][o]
		}
	}
	var n, hit [2]int
	for i, x := range ps {
		if !x.y[o] {
			continue
		}
		m := 0
		if len(x.Labels) > 1 {
			m = 1
		}
		n[m]++
		if logits[i][o] >= cut {
			hit[m]++
		}
	}
	return ratio(hit[0], n[0]), ratio(hit[1], n[1])
}
