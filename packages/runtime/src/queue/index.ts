export { BullMqTransport, type BullMqTransportOptions } from './bullmq-transport.ts';
export { ProcessTransport } from './process-transport.ts';
export type { QueueDepths } from './queue-inspection.ts';
export {
  BACKENDS,
  type Backend,
  cancelChannel,
  cancelledKey,
  DEFAULT_PREFIX,
  parseStepJobId,
  queueName,
  reportsStream,
  type StepJobData,
  stepJobId,
} from './queue-names.ts';
export { closeRedis, openRedis, type RedisConnection, sleep } from './redis-connection.ts';
export {
  appendReport,
  REPORTS_MAXLEN,
  ReportConsumer,
  type ReportConsumerOptions,
  type StepReport,
} from './reports.ts';
export { StepRunnerPool, type StepRunnerPoolOptions } from './step-runner-pool.ts';
export { StepWorker, type StepWorkerOptions } from './step-worker.ts';
