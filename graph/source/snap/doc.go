// Package snap imports whitespace-separated edge lists in the shapes the
// Stanford SNAP collection (https://snap.stanford.edu/data/) and KONECT
// publish them.
//
// One edge per line, fields separated by any run of spaces or tabs. Blank
// lines and lines whose first non-blank byte is '#' (SNAP) or '%' (KONECT)
// are skipped. The number of fields decides what a line means:
//
//	src dst               an edge of Options.Kind (follow by default): "src follows dst"
//	                      in twitter_combined.txt and higgs-social_network.edgelist
//	src dst weight        an edge of Options.Kind standing for weight events
//	                      (Higgs retweet/reply/mention edgelists); Count = weight
//	src dst unixtime code Higgs higgs-activity_time.txt: src acted on dst at unixtime
//	                      seconds; code RT = repost, MT = mention, RE = reply
//	src dst weight time   KONECT's four-column form (the fourth field is a number):
//	                      an edge of Options.Kind, Count = weight, at Unix seconds time
//
// Node labels are kept exactly as written (they are keys, not numbers).
package snap
