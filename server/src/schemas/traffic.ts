import { MAX_TRAFFIC_SECONDS } from '@loom/sdk';
import { Type } from '@sinclair/typebox';

export const TrafficBodySchema = Type.Object(
  {
    seconds: Type.Integer({
      minimum: 1,
      maximum: MAX_TRAFFIC_SECONDS,
      description:
        'How far back from now the window reaches: the rows answered in `[now - seconds, now)`; at most 30 days.',
    }),
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'The version whose rows to read (default: the one that answered most rows in the window).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TrafficWindowSchema = Type.Object({
  model: Type.String(),
  table: Type.Object(
    {
      sha256: Type.String({ description: 'The table artifact (Parquet) in the artifact store.' }),
      size: Type.Integer(),
      mediaType: Type.String(),
    },
    {
      description:
        'The rows as a table: one column per input of the version read, named as the model’s inputs, and the answers in `predictionColumn`.',
    },
  ),
  rows: Type.Integer({ description: 'Rows in the table; 0 is a window without traffic.' }),
  version: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The version read; null when none was asked for and the window has no rows.',
  }),
  versions: Type.Record(Type.String(), Type.Integer(), { description: 'Rows in the window per version.' }),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
  missingInputs: Type.Array(Type.String(), { description: 'Inputs of the version the log has no column for.' }),
  predictionColumn: Type.String({ description: '`prediction`, or `_prediction` when an input is called that.' }),
});
