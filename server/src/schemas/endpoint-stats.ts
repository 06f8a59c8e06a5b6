import { Type } from '@sinclair/typebox';

export const EndpointStatsQuerySchema = Type.Object({
  range: Type.Optional(
    Type.Union([Type.Literal('1h'), Type.Literal('1d')], {
      default: '1h',
      description: 'The last hour in 10-second slots, or the last day in one-minute slots.',
    }),
  ),
});

const perSlot = (description: string) => Type.Array(Type.Number(), { description });
const perSlotOrNull = (description: string) => Type.Array(Type.Union([Type.Number(), Type.Null()]), { description });

export const EndpointStatsSchema = Type.Object({
  model: Type.String(),
  range: Type.Union([Type.Literal('1h'), Type.Literal('1d')]),
  stepSeconds: Type.Number({ description: 'The length of a slot.' }),
  start: Type.String({ description: 'When the first slot starts (ISO 8601).' }),
  end: Type.String({ description: 'When the stats were read: the last slot runs up to it.' }),
  requests: perSlot('Infer requests answered in each slot, oldest first.'),
  errors: perSlot('Those not answered 200 (4xx and 5xx).'),
  requestsPerSecond: perSlot('Requests per second over each slot (the last over its part so far).'),
  errorRate: perSlotOrNull('errors / requests; null for a slot without requests.'),
  p50Ms: perSlotOrNull('Median latency of the 200s, in ms (within about 6%); null without any.'),
  p99Ms: perSlotOrNull('99th percentile latency of the 200s, in ms; null without any.'),
  total: Type.Object(
    {
      requests: Type.Number(),
      errors: Type.Number(),
      p50Ms: Type.Union([Type.Number(), Type.Null()]),
      p99Ms: Type.Union([Type.Number(), Type.Null()]),
    },
    { description: 'The whole range at once.' },
  ),
});
