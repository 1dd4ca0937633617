import { CustomVariableSupport, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { from, map, type Observable } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor/VariableQueryEditor';
import type { DataSource } from './datasource';
import type { ShotlineVariableQuery } from './types';

/** Query variables: sheets, campaigns, channels, recent shot numbers, from the backend resources. */
export class ShotlineVariableSupport extends CustomVariableSupport<DataSource, ShotlineVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<ShotlineVariableQuery>): Observable<DataQueryResponse> {
    const query = request.targets[0];
    return from(this.datasource.metricFindQuery(query, { scopedVars: request.scopedVars })).pipe(
      map((data) => ({ data }))
    );
  }
}
