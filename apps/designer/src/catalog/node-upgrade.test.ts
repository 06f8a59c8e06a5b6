import { describe, expect, it } from 'vitest';
import { versionedCatalog } from '../test-fixtures/versioned-catalog.ts';
import { availableUpgrade, latestVersions } from './node-upgrade.ts';

describe('availableUpgrade', () => {
  const { catalog } = versionedCatalog();

  it('offers the latest installed version to a node pinning an older one', () => {
    expect(latestVersions(catalog).get('test.greet')).toBe('2.0.0');
    expect(availableUpgrade(catalog, { type: 'test.greet', version: '1.0.0' })).toBe('2.0.0');
  });

  it('offers it too when the pinned version is no longer installed', () => {
    expect(availableUpgrade(catalog, { type: 'test.greet', version: '0.9.0' })).toBe('2.0.0');
    expect(availableUpgrade(catalog, { type: 'test.greet', version: '1.5.0' })).toBe('2.0.0');
  });

  it('offers nothing to an up-to-date node, a newer pin or an unknown type', () => {
    expect(availableUpgrade(catalog, { type: 'test.greet', version: '2.0.0' })).toBeUndefined();
    expect(availableUpgrade(catalog, { type: 'test.greet', version: '3.0.0' })).toBeUndefined();
    expect(availableUpgrade(catalog, { type: 'test.nope', version: '1.0.0' })).toBeUndefined();
  });

  it('compares versions as semver, not as text', () => {
    const { catalog: tens } = versionedCatalog();
    expect(availableUpgrade(tens, { type: 'test.greet', version: '1.10.0' })).toBe('2.0.0');
    expect(availableUpgrade(tens, { type: 'test.greet', version: '10.0.0' })).toBeUndefined();
  });
});
