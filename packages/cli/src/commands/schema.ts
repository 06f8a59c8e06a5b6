import { documentJsonSchema } from '@loom/graph';

/** `loom schema`: the pipeline document's JSON Schema, for editors and other tools. */
export function schemaCommand(): number {
  process.stdout.write(
    `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...documentJsonSchema() }, null, 2)}\n`,
  );
  return 0;
}
