export { freePort, type RedisServerOptions, startRedisServer, type TestRedisServer } from './redis-server.ts';
