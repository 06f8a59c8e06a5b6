export {
  ParquetRequestLog,
  type ParquetRequestLogOptions,
  type RequestLogLogger,
  type RequestLogStats,
} from './parquet-request-log.ts';
export { listRequestLogFiles, REQUEST_LOG_FOLDER, type RequestLogFile } from './request-log-files.ts';
export type { RequestLogDropReason } from './request-log-metrics.ts';
