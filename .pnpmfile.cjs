// Native addons (better-sqlite3) fall back to node-gyp when no prebuilt binary can be downloaded.
// node-gyp then fetches Node's headers from nodejs.org, which fails offline or behind a proxy; the
// headers that ship with the running Node (<prefix>/include/node) serve just as well. pnpm passes
// only a few variables to build scripts, so the setting goes through its extraEnv.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const nodePrefix = join(dirname(process.execPath), '..');

module.exports = {
  hooks: {
    updateConfig(config) {
      if (process.env.npm_config_nodedir || !existsSync(join(nodePrefix, 'include', 'node', 'node.h'))) return config;
      config.extraEnv = { ...config.extraEnv, npm_config_nodedir: nodePrefix };
      return config;
    },
  },
};
