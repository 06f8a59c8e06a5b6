export { type TableFileRef, TableFixtures } from './table-fixtures.ts';
export { duckdbLibrariesLoadedBy, tableValues } from './table-values.ts';
