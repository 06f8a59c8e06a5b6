import { Type } from '@sinclair/typebox';
import { RunSummarySchema } from '../runs/run-schemas.ts';

const ParameterValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const Parameters = Type.Record(Type.String(), ParameterValue, {
  description:
    'Values for the pipeline’s parameters, for every run the trigger starts; each must be declared by the pipeline.',
});
const Kind = Type.Union([Type.Literal('schedule'), Type.Literal('webhook')]);
const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Shown in the designer and on every run it starts.',
});
const Cron = Type.String({
  minLength: 1,
  maxLength: 200,
  description:
    'Schedules: a cron expression, 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, or an alias such as `@daily`.',
});
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Schedules: the IANA time zone the cron expression is read in, e.g. `Europe/Paris`. Default `UTC`.',
});
const Secret = Type.String({
  minLength: 16,
  maxLength: 200,
  description: 'Webhooks: the HMAC-SHA256 key deliveries are signed with. Default: 32 random bytes.',
});
const Version = Type.Integer({
  minimum: 1,
  description: 'The pipeline version to run. Default: its latest when it fires.',
});

export const TriggerIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const TriggerFireSchema = Type.Object(
  {
    id: Type.Integer(),
    triggerId: Type.String(),
    at: Type.String({ description: 'The tick (schedules) or when the delivery arrived (webhooks).' }),
    recordedAt: Type.String(),
    outcome: Type.Union(
      [Type.Literal('started'), Type.Literal('refused'), Type.Literal('missed'), Type.Literal('failed')],
      {
        description:
          '`started` a run (`runId`); `refused`: the run could not start, or the delivery was not signed or the hook paused; `missed`: ticks that fell while no server ran, not run; `failed`: an error.',
      },
    ),
    runId: Type.Optional(Type.String()),
    message: Type.String(),
    details: Type.Optional(
      Type.Object({
        missed: Type.Optional(Type.Object({ count: Type.Integer(), first: Type.String(), last: Type.String() })),
        delivery: Type.Optional(Type.String({ description: 'The sender’s delivery id (`X-GitHub-Delivery`).' })),
        ref: Type.Optional(Type.String({ description: 'The `ref` of a JSON body: a Git push’s branch or tag.' })),
        event: Type.Optional(Type.String({ description: 'The sender’s event (`X-GitHub-Event`).' })),
      }),
    ),
  },
  { description: 'One fire of a trigger: a tick, a delivery, or ticks missed.' },
);

export const TriggerSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Kind,
    pipelineId: Type.String(),
    pipelineVersion: Type.Optional(Type.Integer()),
    parameters: Parameters,
    cron: Type.Optional(Type.String()),
    timezone: Type.Optional(Type.String()),
    paused: Type.Boolean(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    nextTick: Type.Optional(Type.String({ description: 'Schedules: the next tick; absent while paused.' })),
    lastTick: Type.Optional(Type.String({ description: 'Schedules: the last tick fired or reported missed.' })),
    lastFire: Type.Optional(TriggerFireSchema),
    hookPath: Type.Optional(Type.String({ description: 'Webhooks: where deliveries go (`POST`), on this server.' })),
  },
  { description: 'A schedule or a webhook that starts runs of a pipeline.' },
);

export const TriggerListSchema = Type.Object({ triggers: Type.Array(TriggerSchema) });

export const CreateTriggerBody = Type.Object(
  {
    name: Name,
    kind: Kind,
    pipelineId: Type.String({ minLength: 1, maxLength: 200 }),
    pipelineVersion: Type.Optional(Version),
    parameters: Type.Optional(Parameters),
    cron: Type.Optional(Cron),
    timezone: Type.Optional(TimeZone),
    secret: Type.Optional(Secret),
    paused: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PatchTriggerBody = Type.Object(
  {
    name: Type.Optional(Name),
    pipelineVersion: Type.Optional(Type.Union([Version, Type.Null()], { description: 'null: the latest version.' })),
    parameters: Type.Optional(Parameters),
    cron: Type.Optional(Cron),
    timezone: Type.Optional(TimeZone),
    paused: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const CreatedTriggerSchema = Type.Object({
  trigger: TriggerSchema,
  secret: Type.Optional(
    Type.String({ description: 'Webhooks: the secret, answered this once; rotate it to get a new one.' }),
  ),
});

export const RotateSecretBody = Type.Object({ secret: Type.Optional(Secret) }, { additionalProperties: false });
export const SecretSchema = Type.Object({
  secret: Type.String({ description: 'The new secret, answered this once.' }),
});

export const TriggerFireListSchema = Type.Object({ fires: Type.Array(TriggerFireSchema) });

export const HookStartedSchema = Type.Object({
  run: RunSummarySchema,
  fire: TriggerFireSchema,
});
export const HookPingSchema = Type.Object({ message: Type.String() });
