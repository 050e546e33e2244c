// Package csvedge imports edge tables written as CSV: clout's own columns,
// Gephi's spreadsheet edge table and NodeXL's Edges sheet saved as CSV.
//
// A header row is required. Its names are matched case-insensitively after
// trimming spaces (and a UTF-8 byte order mark), with '_' read as a space;
// unknown columns are ignored. The delimiter is read from the header line: a
// comma, or a tab or semicolon when the header has no comma but has those.
//
// Columns (synonyms in parentheses):
//
//	source (src, from, Vertex 1, follower)          the account giving attention
//	target (dst, to, Vertex 2, followee, followed)  the account receiving it
//	kind                  follow|repost|quote|reply|mention|like (graph.ParseKind); default Options.Kind
//	weight (Edge Weight, count)  how many events the row stands for: a positive whole number
//	                      ("2.0" is read as 2); ignored for follow rows, a follow is one edge
//	time (timestamp, date, created_at)  RFC 3339, YYYY-MM-DD, YYYY-MM-DD hh:mm[:ss],
//	                      M/D/YYYY h:mm[:ss] [AM|PM] or Unix seconds; zone-less times are UTC
//	platform              overrides Options.Platform for the row
//	post_id (postid, status_id, tweet_id)  the platform id of the post carrying the event
//	hashtags              space- or comma-separated; '#' stripped, lower-cased
//	parent_id (parent post id, In-Reply-To Tweet ID)  the post the row's post replies
//	                      to, quotes or reposts
//	Type                  Gephi: Undirected emits both directions; Directed, Mixed or empty one
//
// NodeXL edge sheets (a "Vertex 1" column) add Relationship, Relationship Date
// (UTC), Tweet Date (UTC), Hashtags in Tweet, Imported ID and Twitter Page for
// Tweet; see relationship for how Relationship values map to kinds. NodeXL
// vertices are screen names, so each one is also sent as an Account with that
// Handle, and the platform defaults to "twitter". A NodeXL workbook has a row
// of column-group names above the header; when the first row has no source
// and target columns the second row is tried as the header.
//
// A row with a post id (post_id, or NodeXL's Imported ID or tweet URL) also
// names a post, sent when the sink is a graph.PostSink: for repost, quote and
// reply rows the source's post of that kind (parent_id its parent), for
// mention rows the source's post of unknown kind, for like rows the target's
// liked post, for NodeXL "Tweet" rows the source's original; none for
// follows. See posts.go.
//
// Rows whose cells are all empty (spreadsheet padding) are skipped silently.
package csvedge
