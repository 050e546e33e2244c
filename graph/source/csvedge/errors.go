package csvedge

import "errors"

// ErrEmpty is returned, wrapped with the input's name and what was missing
// ("no header row" or "no data rows"), for an input with nothing to import.
var ErrEmpty = errors.New("empty input")

// RuleCounter may be implemented by the sink passed to Import to learn how
// many well-formed rows were dropped on purpose by a design rule, as opposed
// to malformed rows (those go to Options.Bad). Import calls it once per rule,
// after the last row, when the count is not zero.
//
// The one rule so far: a NodeXL MentionsInRetweet row is dropped because a
// repost's own mentions belong to the original post's author, not to the
// reposter (design.md, "The model").
type RuleCounter interface {
	IgnoredByRule(rule string, rows int64)
}

// RuleRepostMentions names the rule for NodeXL MentionsInRetweet rows.
const RuleRepostMentions = "mentions inside a repost belong to the original author (NodeXL MentionsInRetweet)"
