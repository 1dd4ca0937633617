import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor/ConfigEditor';
import { QueryEditor } from './components/QueryEditor/QueryEditor';
import { DataSource } from './datasource';
import type { ShotlineOptions, ShotlineQuery, ShotlineSecureOptions } from './types';

export const plugin = new DataSourcePlugin<DataSource, ShotlineQuery, ShotlineOptions, ShotlineSecureOptions>(
  DataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
