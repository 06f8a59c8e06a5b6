export { type TableFileRef, TableFixtures } from './table-fixtures.ts';
