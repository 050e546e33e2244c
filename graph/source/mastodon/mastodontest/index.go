package mastodontest

import "slices"

// index holds the World's lists the way the server pages them: newest
// first, each item with the row id Mastodon paginates by.
type index struct {
	followers, following [][]row // by account: follow rows, newest first
	statuses             [][]int // by account: status indices, newest first
	reblogs              [][]int // by status: indices of the boosts of it, newest first
	favourites           [][]row // by status: favourite rows, newest first
	children             [][]int // by status: direct replies, oldest first
	counts               []counts
}

// row is one list item: the account it names and the row id (follow or
// favourite id) it is paginated by.
type row struct{ account, id int }

type counts struct{ followers, following, statuses int }

func newIndex(w *World) *index {
	n, m := len(w.Accounts), len(w.Statuses)
	x := &index{
		followers: make([][]row, n), following: make([][]row, n), statuses: make([][]int, n),
		reblogs: make([][]int, m), favourites: make([][]row, m), children: make([][]int, m),
		counts: make([]counts, n),
	}
	for f, e := range w.Follows {
		x.followers[e.Dst] = append(x.followers[e.Dst], row{e.Src, f + 1})
		x.following[e.Src] = append(x.following[e.Src], row{e.Dst, f + 1})
		x.counts[e.Dst].followers++
		x.counts[e.Src].following++
	}
	for j, s := range w.Statuses {
		x.statuses[s.Author] = append(x.statuses[s.Author], j)
		x.counts[s.Author].statuses++
		if s.Reblog >= 0 {
			x.reblogs[s.Reblog] = append(x.reblogs[s.Reblog], j)
		}
		if s.InReplyTo >= 0 {
			x.children[s.InReplyTo] = append(x.children[s.InReplyTo], j)
		}
	}
	for k, f := range w.Favourites {
		x.favourites[f.Status] = append(x.favourites[f.Status], row{f.Account, k + 1})
	}
	for _, l := range x.followers {
		slices.Reverse(l)
	}
	for _, l := range x.following {
		slices.Reverse(l)
	}
	for _, l := range x.statuses {
		slices.Reverse(l)
	}
	for _, l := range x.reblogs {
		slices.Reverse(l)
	}
	for _, l := range x.favourites {
		slices.Reverse(l)
	}
	return x
}

// descendants lists the replies below status j depth-first, as Mastodon's
// context endpoint orders them, at most max.
func (x *index) descendants(j, max int) []int {
	var out []int
	var walk func(int)
	walk = func(p int) {
		for _, c := range x.children[p] {
			if len(out) == max {
				return
			}
			out = append(out, c)
			walk(c)
		}
	}
	walk(j)
	return out
}
