export {
  createRedisReplayStore,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
  type RedisReplayStoreOptions,
} from './redis-replay-store.js';
export type { ReplayStore } from '../ports/replay-store.js';
