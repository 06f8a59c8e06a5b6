export { type SeededRandom, seededRandom } from './random.ts';
