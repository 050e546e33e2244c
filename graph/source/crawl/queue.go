package crawl

import "container/heap"

// task is a Task with its stored position.
type task struct {
	Task
	id         int64
	depth      int
	status     string
	cursor     string
	prev       string
	items      int
	emptyPages int
	attempts   int
	err        string // last_error

	index int // in the taskQueue heap, -1 when not queued
}

// open reports whether t still has pages to read.
func (t *task) open() bool { return t.status == statusPending || t.status == statusInProgress }

// frontierPos is a queued account's place in the breadth-first order.
type frontierPos struct {
	depth int
	seq   int64
}

// taskQueue orders runnable tasks breadth-first: by depth, then by id, which
// is the order tasks were created in (discovery order).
type taskQueue []*task

func (q taskQueue) Len() int { return len(q) }
func (q taskQueue) Less(i, j int) bool {
	if q[i].depth != q[j].depth {
		return q[i].depth < q[j].depth
	}
	return q[i].id < q[j].id
}
func (q taskQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}
func (q *taskQueue) Push(x any) {
	t := x.(*task)
	t.index = len(*q)
	*q = append(*q, t)
}
func (q *taskQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*q = old[:len(old)-1]
	return t
}

func (q *taskQueue) push(t *task) { heap.Push(q, t) }
func (q *taskQueue) pop() *task   { return heap.Pop(q).(*task) }

// raise moves t up to depth if it is queued deeper.
func (q *taskQueue) raise(t *task, depth int) {
	if depth >= t.depth {
		return
	}
	t.depth = depth
	if t.index >= 0 {
		heap.Fix(q, t.index)
	}
}
