// Reads a Parquet file clout exported with hyparquet (an independent,
// pure-JavaScript Parquet reader) and prints its schema and rows as JSON for
// graph/export's tests:  node read_parquet.mjs FILE
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet'

const file = await asyncBufferFromFile(process.argv[2])
const meta = await parquetMetadataAsync(file)
const schema = parquetSchema(meta)
const columns = schema.children.map(c => ({ name: c.element.name, type: c.element.type, optional: c.element.repetition_type === 'OPTIONAL' }))
const rows = await parquetReadObjects({ file })
console.log(JSON.stringify({ columns, rows }, (k, v) => typeof v === 'bigint' ? Number(v) : v))
