// Extends the scaffold's webpack config (.config/, left as create-plugin
// writes it): the nested plugins' logos (src/datasource/img, src/panels/*/img)
// are copied beside their plugin.json, as the scaffold copies only the app's.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return {
    ...base,
    plugins: [...(base.plugins ?? []), new CopyWebpackPlugin({ patterns: [{ from: '*/**/img/*.svg', to: '.' }] })],
  };
};

export default config;
