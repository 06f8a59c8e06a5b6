import type { PortStorage } from '@loom/sdk';

/** One output of a finished step: what type it is, how it is stored, and which blob holds it. */
export interface OutputRecord {
  type: string;
  storage: Exclude<PortStorage, 'abstract'>;
  sha256: string;
  size: number;
  mediaType?: string;
}
