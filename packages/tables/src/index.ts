export { type AppendedColumn, appendColumns } from './append-columns.ts';
export { columnKind, sourceColumnsOf, type TableColumnInfo, type TableColumnKind } from './column-kind.ts';
export { DEFAULT_MEMORY_LIMIT, TableDatabase, type TableDatabaseOptions } from './database.ts';
export { isFittedStepList } from './lineage-metadata.ts';
export { type ReadColumnsResult, readColumns, readRelationColumns, type TableColumn } from './read-columns.ts';
export { doubleLiteral, quoteIdentifier, quoteLiteral } from './sql.ts';
export {
  describeQuery,
  previewTable,
  readTableInfo,
  readTableLineage,
  type TableInfo,
  type TablePreview,
  tableInfoIn,
} from './table-info.ts';
export { TABLE_MEDIA_TYPE, writeSourceTable, writeTableFromQuery } from './write-table.ts';
