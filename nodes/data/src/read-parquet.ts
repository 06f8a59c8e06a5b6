import { defineNode, inputFile, output, Type } from '@loom/sdk';
import { quoteLiteral } from '@loom/tables';
import { ingestTable } from './ingest.ts';
import { PATH_DESCRIPTION } from './read-csv.ts';
import { fingerprintSource, obtainSource } from './source-file.ts';

export const dataParquet = defineNode({
  type: 'data.parquet',
  version: '1.0.0',
  title: 'Parquet file',
  description: 'Reads a Parquet file into a table; the file becomes a new data source, whatever lineage it carried.',
  category: 'data',
  params: Type.Object({
    path: inputFile({ description: `The Parquet file. ${PATH_DESCRIPTION}` }),
  }),
  outputs: { table: output('table', { description: 'The rows of the file, with a source lineage of its columns.' }) },
  fingerprint: (ctx) => fingerprintSource(ctx),
  async run(ctx) {
    const source = await obtainSource(ctx.params.path, ctx);
    return ingestTable(ctx, { source, format: 'parquet', reader: `read_parquet(${quoteLiteral(source.path)})` });
  },
});
