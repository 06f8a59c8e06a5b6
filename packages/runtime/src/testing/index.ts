export { type RedisServerOptions, startRedisServer, type TestRedisServer } from './redis-server.ts';
