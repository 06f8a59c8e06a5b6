import { Type } from '@sinclair/typebox';

export const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')], {
    description: '`degraded` while Redis is down: the API answers, but queued steps wait.',
  }),
  transport: Type.Union([Type.Literal('inline'), Type.Literal('bullmq')], {
    description: 'Where steps run: in this process, or on BullMQ workers.',
  }),
  redis: Type.Optional(Type.Union([Type.Literal('up'), Type.Literal('down')])),
});
