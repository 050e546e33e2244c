package store

// crawlSchemaV2 holds crawl state (frontier, per-task progress). Owned by the
// crawl engine; see crawl.go.
const crawlSchemaV2 = `
CREATE TABLE crawl_placeholder (x INTEGER);
`
