import type { DataSourceInstanceSettings, DataSourcePluginMeta } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

import { DataSource } from '../datasource/datasource';
import type { ShotlineOptions } from '../datasource/types';
import { templateSrvWith } from './templateSrv';

/** A Shotline datasource as Grafana would construct it from its settings. */
export function shotlineDatasource(
  jsonData: ShotlineOptions = {},
  templateSrv: TemplateSrv = templateSrvWith({})
): DataSource {
  const settings: DataSourceInstanceSettings<ShotlineOptions> = {
    id: 1,
    uid: 'shotline',
    type: 'shotline-shotline-datasource',
    name: 'Shotline',
    access: 'proxy',
    readOnly: false,
    jsonData,
    meta: { id: 'shotline-shotline-datasource' } as DataSourcePluginMeta<ShotlineOptions>,
  };
  return new DataSource(settings, templateSrv);
}
