import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../../store/editor-store.ts';
import { testCatalog } from '../../test-fixtures/test-catalog.ts';
import { EndpointView, inferAddress, isEndpoint } from './EndpointView.tsx';

const iris = { url: 'http://127.0.0.1:8080/v2/models/iris', model: 'iris', version: 3, alias: 'production' };

describe('EndpointView', () => {
  it('shows the model, version and alias, and the infer address to POST to', () => {
    const html = renderToStaticMarkup(
      createElement(EndpointView, { endpoint: iris, onOpen: () => {}, onCopy: () => {} }),
    );
    expect(html).toContain('data-testid="endpoint-model">iris<');
    expect(html).toContain('data-testid="endpoint-version">v3<');
    expect(html).toContain('data-testid="endpoint-alias">production<');
    expect(html).toContain('data-testid="endpoint-address">http://127.0.0.1:8080/v2/models/iris/infer<');
    expect(html).toContain('Try it in Models and endpoints');
  });

  it('adds /infer once, whether or not the address ends with a slash', () => {
    expect(inferAddress({ ...iris, url: `${iris.url}/` })).toBe(`${iris.url}/infer`);
  });

  it('takes only values shaped like a deployed endpoint', () => {
    expect(isEndpoint(iris)).toBe(true);
    expect(isEndpoint({ ...iris, version: '3' })).toBe(false);
    expect(isEndpoint({ url: iris.url, model: 'iris', version: 1 })).toBe(false);
    expect(isEndpoint(null)).toBe(false);
  });
});

describe('openEndpoints', () => {
  it('opens Models and endpoints on the model; opening it from the menu forgets the model', () => {
    const store = createEditorStore(testCatalog());
    store.getState().openEndpoints('iris');
    expect(store.getState()).toMatchObject({ dialog: 'endpoints', endpointsModel: 'iris' });
    store.getState().openDialog('endpoints');
    expect(store.getState()).toMatchObject({ dialog: 'endpoints', endpointsModel: undefined });
  });
});
